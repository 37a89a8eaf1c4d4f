import { ALNUM, boundaryAfter, boundaryBefore, DIGIT, isIn, runEnd, TOKEN, UPPER } from './chars.js';
import type { Detector, Span } from './types.js';

interface Provider {
  prefix: string;
  /** Characters after the prefix. */
  body: Uint8Array;
  minBody: number;
  maxBody?: number;
  /** A second part after a separator (SendGrid: "SG.<22>.<43>"). */
  tail?: { sep: string; min: number; max: number };
}

const AWS_BODY = (() => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) if (isIn(UPPER, c) || isIn(DIGIT, c)) t[c] = 1;
  return t;
})();

/**
 * Keys of the common providers, by their documented prefixes. Longer prefixes of one provider come
 * first only where the body rules differ; `sk-` covers OpenAI's sk-proj-/sk-svcacct-/sk-admin- and
 * Anthropic's sk-ant-.
 */
const PROVIDERS: Provider[] = [
  { prefix: 'sk-', body: TOKEN, minBody: 20 }, // OpenAI, Anthropic (sk-ant-api03-…), DeepSeek, …
  { prefix: 'sk_live_', body: ALNUM, minBody: 16 }, // Stripe secret keys
  { prefix: 'sk_test_', body: ALNUM, minBody: 16 },
  { prefix: 'rk_live_', body: ALNUM, minBody: 16 }, // Stripe restricted keys
  { prefix: 'rk_test_', body: ALNUM, minBody: 16 },
  { prefix: 'whsec_', body: ALNUM, minBody: 16 }, // Stripe / Standard Webhooks signing secrets
  { prefix: 'ghp_', body: ALNUM, minBody: 30 }, // GitHub tokens: personal, OAuth, user, server, refresh
  { prefix: 'gho_', body: ALNUM, minBody: 30 },
  { prefix: 'ghu_', body: ALNUM, minBody: 30 },
  { prefix: 'ghs_', body: ALNUM, minBody: 30 },
  { prefix: 'ghr_', body: ALNUM, minBody: 30 },
  { prefix: 'github_pat_', body: TOKEN, minBody: 22 },
  { prefix: 'glpat-', body: TOKEN, minBody: 20 }, // GitLab
  { prefix: 'xoxb-', body: TOKEN, minBody: 10 }, // Slack bot, user, app, refresh, config tokens
  { prefix: 'xoxp-', body: TOKEN, minBody: 10 },
  { prefix: 'xoxa-', body: TOKEN, minBody: 10 },
  { prefix: 'xoxr-', body: TOKEN, minBody: 10 },
  { prefix: 'xoxs-', body: TOKEN, minBody: 10 },
  { prefix: 'xoxe-', body: TOKEN, minBody: 10 },
  { prefix: 'xapp-', body: TOKEN, minBody: 10 },
  { prefix: 'AIza', body: TOKEN, minBody: 35, maxBody: 35 }, // Google API keys
  { prefix: 'hf_', body: ALNUM, minBody: 30 }, // Hugging Face
  { prefix: 'npm_', body: ALNUM, minBody: 36 }, // npm
  { prefix: 'xai-', body: ALNUM, minBody: 40 }, // xAI
  { prefix: 'gsk_', body: ALNUM, minBody: 40 }, // Groq
  { prefix: 'pplx-', body: ALNUM, minBody: 40 }, // Perplexity
  { prefix: 'r8_', body: ALNUM, minBody: 30 }, // Replicate
  { prefix: 'SG.', body: TOKEN, minBody: 22, maxBody: 22, tail: { sep: '.', min: 43, max: 43 } }, // SendGrid
  // AWS access key ids: four-letter kind prefix + 16 upper-case letters or digits.
  ...['AKIA', 'ASIA', 'ABIA', 'ACCA', 'AGPA', 'AIDA', 'AIPA', 'ANPA', 'ANVA', 'AROA', 'APKA'].map(
    (prefix): Provider => ({ prefix, body: AWS_BODY, minBody: 16, maxBody: 16 }),
  ),
];

const MAX_BODY = 512;

const BY_FIRST = new Map<number, Provider[]>();
for (const p of PROVIDERS) {
  const c = p.prefix.charCodeAt(0);
  BY_FIRST.set(c, [...(BY_FIRST.get(c) ?? []), p]);
}

/** The first two characters of every prefix, as c0 * 128 + c1 (all prefixes are ASCII). */
const FIRST_TWO = new Uint8Array(128 * 128);
for (const p of PROVIDERS) FIRST_TWO[p.prefix.charCodeAt(0) * 128 + p.prefix.charCodeAt(1)] = 1;

/** True when a key of some provider can start with these two characters: they begin its prefix. */
export function apiKeyMayStartWith(c0: number, c1: number): boolean {
  return c0 < 128 && c1 < 128 && FIRST_TWO[c0 * 128 + c1] === 1;
}

export const apiKey: Detector = {
  name: 'api-key',
  match(text, i): Span | number {
    if (!boundaryBefore(text, i, TOKEN)) return i + 1;
    const candidates = BY_FIRST.get(text.charCodeAt(i));
    if (candidates) {
      for (const p of candidates) {
        if (!text.startsWith(p.prefix, i)) continue;
        const bodyStart = i + p.prefix.length;
        // Bounded, so that a pathological run ("SG.SG.SG…") is never read more than a constant number of times.
        let end = runEnd(text, bodyStart, p.body, bodyStart + (p.maxBody ?? MAX_BODY) + 1);
        const len = end - bodyStart;
        if (len < p.minBody || (p.maxBody !== undefined && len > p.maxBody)) continue;
        if (p.tail) {
          if (text[end] !== p.tail.sep) continue;
          const tailEnd = runEnd(text, end + 1, p.body, end + 2 + p.tail.max);
          if (tailEnd - end - 1 < p.tail.min || tailEnd - end - 1 > p.tail.max) continue;
          end = tailEnd;
        }
        if (!boundaryAfter(text, end, TOKEN)) continue;
        // A prefix followed by a word is prose ("sk-learn-is-a-library-for-ml"), not a key.
        if (p.body === TOKEN && !hasDigit(text, bodyStart, end)) continue;
        return { start: i, end, type: 'api_key' };
      }
    }
    return i + 1;
  },
};

function hasDigit(text: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (isIn(DIGIT, text.charCodeAt(k))) return true;
  return false;
}
