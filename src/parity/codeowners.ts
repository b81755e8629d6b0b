/**
 * Reads the teams named in CODEOWNERS. A team is an `@org/team` handle; a plain `@user` or an email
 * address owns paths too, but the matrix only accepts teams (a person leaves; a team is accountable).
 */

const TEAM = /^@[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/;

/** The set of `@org/team` handles that own at least one pattern. Comments and blank lines are ignored. */
export function parseCodeownersTeams(text: string): Set<string> {
  const teams = new Set<string>();
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/(^|\s)#.*$/, '').trim();
    if (line.length === 0) continue;
    const [, ...owners] = line.split(/\s+/);
    for (const owner of owners) if (TEAM.test(owner)) teams.add(owner);
  }
  return teams;
}
