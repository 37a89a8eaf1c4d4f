import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstreamStub, type UpstreamStub } from './upstream-stub.js';

/** The stub must be what the official SDK expects, or the demo and the proxy tests prove nothing. */
describe('OpenAI-compatible upstream stub, through the official SDK', () => {
  let stub: UpstreamStub;
  let client: OpenAI;
  beforeAll(async () => {
    stub = await startUpstreamStub({ keys: new Set(['sk-demo-alice']) });
    client = new OpenAI({ apiKey: 'sk-demo-alice', baseURL: `${stub.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => stub.close());

  it('answers chat completions with usage', async () => {
    const res = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.choices[0]!.message.content).toContain('stub upstream');
    expect(res.usage!.total_tokens).toBeGreaterThan(0);
  });

  it('streams server-sent events, ending with the usage chunk when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: unknown = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Here is a helpful answer from the local stub upstream.');
    expect(usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
  });

  it('serves embeddings and the model list', async () => {
    const e = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(e.data).toHaveLength(2);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-4o');
  });

  it('refuses an unknown key and an unknown model the way OpenAI does', async () => {
    const bad = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${stub.url}/v1`, maxRetries: 0 });
    await expect(bad.models.list()).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    await expect(
      client.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
  });
});
