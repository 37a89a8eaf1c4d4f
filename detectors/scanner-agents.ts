/**
 * User agents of attack and reconnaissance tools, as their default builds send them. Nobody calls an
 * AI API with sqlmap by accident; CrowdSec's http-bad-user-agent scenario flags the same tools. One
 * case-insensitive alternation of literals: V8 tries each alternative at each position once, so the
 * time is linear in the (at most 1,024-character) user agent whatever it holds.
 */
export const TOOLS = [
  'sqlmap',
  'nikto',
  'nmap scripting engine',
  'masscan',
  'zgrab',
  'zmeu',
  'nuclei',
  'dirbuster',
  'gobuster',
  'feroxbuster',
  'dirb/',
  'wfuzz',
  'fuzz faster u fool',
  'ffuf',
  'hydra',
  'medusa/',
  'acunetix',
  'netsparker',
  'wpscan',
  'w3af',
  'commix',
  'xsstrike',
  'arachni',
  'skipfish',
  'openvas',
  'nessus',
  'havij',
  'jaeles',
  'whatweb',
  'joomscan',
  'droopescan',
  'jorgee',
  'morfeus',
  'l9explore',
  'dotdotpwn',
  'fimap',
  'brutus',
];

// Letters, digits, spaces and slashes only (tested), so the names need no escaping.
const TOOL_PATTERN = new RegExp(TOOLS.join('|'), 'i');

/** The tool a user agent names, lower-cased, or null. */
export function scannerAgent(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const m = TOOL_PATTERN.exec(userAgent);
  return m ? m[0].toLowerCase() : null;
}
