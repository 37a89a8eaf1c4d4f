import { describe, expect, it } from 'vitest';
import { capturePrompt, userTexts } from './prompt-capture.js';

const opts = { mode: 'redacted' as const, maxChars: 100 };

describe('prompt capture', () => {
  it('takes the user content of chat requests: strings and text parts, not system or assistant', () => {
    expect(
      userTexts({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'You are helpful.' },
          { role: 'user', content: 'first question' },
          { role: 'assistant', content: 'an answer' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'second' },
              { type: 'image_url', image_url: { url: 'https://x/y.png' } },
            ],
          },
        ],
      }),
    ).toEqual(['first question', 'second']);
  });

  it('takes completions prompts, embeddings and Responses API input', () => {
    expect(userTexts({ prompt: 'say hi' })).toEqual(['say hi']);
    expect(userTexts({ prompt: ['a', 'b', [1, 2]] })).toEqual(['a', 'b']);
    expect(userTexts({ input: 'embed me' })).toEqual(['embed me']);
    expect(userTexts({ input: ['x', 'y'] })).toEqual(['x', 'y']);
    expect(
      userTexts({
        instructions: 'be brief',
        input: [
          { role: 'developer', content: 'rules' },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] },
        ],
      }),
    ).toEqual(['hello']);
    expect(userTexts({ model: 'x' })).toBeNull();
    expect(userTexts('not an object')).toBeNull();
    expect(userTexts([1, 2])).toBeNull();
  });

  it('redacts and counts what it captures', () => {
    const p = capturePrompt({ messages: [{ role: 'user', content: 'mail me at a@example.com' }] }, opts);
    expect(p).toEqual({ text: 'mail me at [EMAIL]', chars: 24, truncated: false, redactions: { email: 1 } });
  });

  it('keeps the most recent messages within the limit and reports the full length', () => {
    const old = 'o'.repeat(80);
    const p = capturePrompt(
      {
        messages: [
          { role: 'user', content: old.repeat(20) },
          { role: 'user', content: 'the newest turn' },
        ],
      },
      opts,
    )!;
    expect(p.text).toBe('the newest turn');
    expect(p.chars).toBe(1600 + 1 + 15);
    expect(p.truncated).toBe(true);
  });

  it('cuts a long message to the limit, never inside a placeholder, and never leaks a secret at the cut', () => {
    const key = 'sk-proj-AbCdEf1234567890AbCdEf1234567890';
    const p = capturePrompt({ prompt: `${'x '.repeat(45)}${key} and more text after it` }, opts)!;
    expect(p.text.length).toBeLessThanOrEqual(100);
    expect(p.text).not.toContain('sk-proj');
    expect(p.text).toContain('[API_KEY]');
    expect(p.text.split('[').length).toBe(p.text.split(']').length);
    // A limit that falls inside the placeholder drops it whole rather than leaving "[API_".
    const q = capturePrompt({ prompt: `${'x '.repeat(47)}${key}` }, opts)!;
    expect(q.text).toBe('x '.repeat(47));
    expect(p.truncated).toBe(true);
  });

  it('captures nothing when turned off', () => {
    expect(
      capturePrompt({ messages: [{ role: 'user', content: 'hi' }] }, { mode: 'none', maxChars: 100 }),
    ).toBeNull();
  });
});
