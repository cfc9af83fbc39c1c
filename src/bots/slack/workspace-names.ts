/**
 * Slack workspace (team) names as Slack reports them, for the page that confirms a connect ("Connect
 * Notion to @sam in Acme's Slack?"). The bot's own workspace is named by `auth.test` at start-up;
 * for any other team id (a shared channel, an org-wide install) the domain the payload carried
 * (`team_domain`, `team.domain`) is the best Slack tells us without another scope.
 */
export interface WorkspaceNames {
  learn(teamId: string | undefined, name: string | undefined): void;
  of(teamId: string | undefined, domain?: string | undefined): string | undefined;
}

export function createWorkspaceNames(): WorkspaceNames {
  const names = new Map<string, string>();
  return {
    learn(teamId, name) {
      if (teamId && name?.trim()) names.set(teamId, name.trim());
    },
    of(teamId, domain) {
      return (teamId ? names.get(teamId) : undefined) ?? (domain?.trim() || undefined);
    },
  };
}
