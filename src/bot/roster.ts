/** The team roster from Teams (TeamsInfo), as the members of a tilbud. */
import { TeamsInfo, type TurnContext } from 'botbuilder';
import { TeamsConnectorClient, type ConnectorClient } from 'botframework-connector';
import type { Member } from '../domain/model.js';
import type { RosterProvider } from '../usecases/context.js';
import { boundToTurn, RefleksAdapter } from './adapter.js';

const PAGE_SIZE = 200;
const MAX_PAGES = 50;

export async function readTeamRoster(context: TurnContext, teamId: string): Promise<Member[]> {
  const members: Member[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await TeamsInfo.getPagedTeamMembers(context, teamId, PAGE_SIZE, token);
    for (const m of result.members ?? []) {
      const key = m.aadObjectId ?? m.id;
      if (!key) continue;
      members.push({ aadObjectId: key, teamsUserId: m.id, name: m.name ?? '', role: 'member' });
    }
    token = result.continuationToken ?? undefined;
    if (!token) break;
  }
  return members;
}

/** A roster provider bound to the current turn (its service URL and credentials). */
export function turnRosterProvider(context: TurnContext): RosterProvider {
  return {
    getTeamMembers: async (tenantId, teamId) => {
      const activityTenant = context.activity.conversation?.tenantId ?? (context.activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
      if (activityTenant !== tenantId) return undefined;
      return readTeamRoster(context, teamId);
    },
  };
}

/**
 * The team's name as Teams has it (for a team event that carries none). TeamsInfo.getTeamDetails
 * makes a client of its own, with botbuilder's retries; this one is bound to the turn's
 * connector budget like every other call (see adapter.ts).
 */
export async function readTeamName(context: TurnContext, teamId: string): Promise<string | undefined> {
  const key = (context.adapter as unknown as { ConnectorClientKey?: symbol }).ConnectorClientKey;
  const connector = key ? context.turnState.get<ConnectorClient | undefined>(key) : undefined;
  if (!connector || !context.activity.serviceUrl) return undefined;
  const budgetMs = context.adapter instanceof RefleksAdapter ? context.adapter.connectorBudgetMs : 4000;
  const teams = boundToTurn(new TeamsConnectorClient(connector.credentials, { baseUri: context.activity.serviceUrl }), budgetMs);
  return (await teams.teams.fetchTeamDetails(teamId)).name ?? undefined;
}
