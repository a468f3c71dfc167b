/**
 * The ids the Microsoft 365 Agents Playground (`@microsoft/m365agentsplayground` 0.2.28) uses
 * with its built-in mock data, as observed on the wire. Local development and smoke tests only;
 * see docs/playground.md for where each one appears in an activity.
 *
 * Beware: `tenantId` and the `aadObjectId`s are NOT valid GUIDs (the last group has 13 hex
 * digits), the user ids are not `29:` ids, and every activity says `locale: 'en-US'`.
 * A `.m365agentsplayground.yml` in the working directory replaces all of this mock data.
 */

const TENANT_ID = '00000000-0000-0000-0000-0000000000001';

const member = <const Id extends string, const Aad extends string, const Name extends string, const Email extends string>(
  id: Id,
  aadObjectId: Aad,
  name: Name,
  email: Email,
) => ({ id, aadObjectId, name, email, tenantId: TENANT_ID }) as const;

export const PLAYGROUND = {
  /** Default port (the Playground silently moves to a random port when this one is taken). */
  port: 56150,
  /** `serviceUrl` when started by scripts/dev.ts (`--service-url`); without it: `http://localhost:<port>/_connector`. */
  serviceUrl: 'http://127.0.0.1:56150/_connector',
  /** `activity.channelId` (Bot Framework channel, not a Teams channel). */
  activityChannelId: 'msteams',
  /** Hard-coded in every activity the Playground sends, whatever the OS locale. */
  locale: 'en-US',
  tenantId: TENANT_ID,
  bot: { id: '00000000-0000-0000-0000-00000000000011', name: 'Test Bot' },
  /** The signed-in user; every message typed in the UI or POSTed to /_conversation comes from this user. */
  user: member('user-id-0', '00000000-0000-0000-0000-0000000000020', 'Alex Wilber', 'alexw@example.com'),
  /** Team and group-chat members besides the user (reachable only through custom activities). */
  colleagues: [
    member('user-id-1', '00000000-0000-0000-0000-0000000000021', 'Megan Bowen', 'meganb@example.com'),
    member('user-id-2', '00000000-0000-0000-0000-0000000000022', 'Adele Vance', 'adelev@example.com'),
    member('user-id-3', '00000000-0000-0000-0000-0000000000023', 'Isaiah Langer', 'isaiahl@example.com'),
    member('user-id-4', '00000000-0000-0000-0000-0000000000024', 'Patti Fernandez', 'pattif@example.com'),
    member('user-id-5', '00000000-0000-0000-0000-0000000000025', 'Lynne Robbins', 'lynner@example.com'),
  ],
  /**
   * The 1:1 chat's `conversation.id`, fixed by scripts/dev.ts with `--conversation-id`.
   * Started without that flag the Playground picks a random UUID on every start.
   */
  personalChatId: 'personal-chat-id',
  /** `channelData.team.id`; also the General channel's id and its `conversation.id`. */
  teamId: 'team-id',
  teamName: 'My Team',
  teamAadGroupId: '00000000-0000-0000-0000-000000000031',
  /** The General channel (`channelData.channel.id`). */
  channelId: 'team-id',
  channels: [
    { id: 'team-id', name: 'General' },
    { id: 'channel-announcements-id', name: 'Announcements' },
  ],
  /** The group chat's id is a random UUID on every start: read it from GET /_internal/v1/testConfig. */
  groupChatName: 'Group Chat',
} as const;

export type PlaygroundMember = (typeof PLAYGROUND.colleagues)[number] | typeof PLAYGROUND.user;
