import { describe, expect, it } from 'vitest';
import { scannerAgent, TOOLS } from './scanner-agents.js';

describe('attack-tool user agents', () => {
  it.each([
    ['sqlmap/1.7.2#stable (https://sqlmap.org)', 'sqlmap'],
    ['Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000003)', 'nikto'],
    [
      'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)',
      'nmap scripting engine',
    ],
    ['Mozilla/5.0 zgrab/0.x', 'zgrab'],
    ['Fuzz Faster U Fool v2.1.0-dev', 'fuzz faster u fool'],
    [
      'Mozilla/5.0 (Windows NT 10.0) Nuclei - Open-source project (github.com/projectdiscovery/nuclei)',
      'nuclei',
    ],
  ])('names the tool in %s', (ua, tool) => {
    expect(scannerAgent(ua)).toBe(tool);
  });

  it.each([
    'OpenAI/Python 1.40.0',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    'curl/8.5.0',
    'python-requests/2.31.0',
    'Go-http-client/1.1',
  ])('leaves ordinary clients alone: %s', (ua) => {
    expect(scannerAgent(ua)).toBeNull();
  });

  it('has no name that would need escaping in the alternation', () => {
    for (const t of TOOLS) expect(t).toMatch(/^[a-z0-9 /]+$/);
  });
});
