/**
 * The store the configuration names: Cosmos DB when COSMOS_ENDPOINT is set, else the embedded
 * SQLite store in DATA_DIR. Used by the bot (main.ts) and the one-off commands (the reminder
 * engine as its own process).
 */
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import type { DocumentStore } from './ports.js';
import { checkStoredDocument, CRITICAL_DOCUMENT_TYPES } from './repositories.js';

export async function openConfiguredStore(config: Config, logger: Logger): Promise<DocumentStore> {
  if (config.COSMOS_ENDPOINT) {
    // Without a key: managed identity. A user-assigned identity is named by its client id;
    // a UserAssignedMSI bot's app id is that identity unless another one is configured.
    const clientId = config.COSMOS_MANAGED_IDENTITY_CLIENT_ID ?? (config.MicrosoftAppType === 'UserAssignedMSI' ? config.MicrosoftAppId : undefined);
    // Each adapter is loaded only when it is used: the Azure SDKs cost the embedded bot a second
    // of start-up and tens of MB of memory it would never use.
    const { createCosmosDocumentStore } = await import('./cosmos/cosmos-document-store.js');
    return createCosmosDocumentStore({
      endpoint: config.COSMOS_ENDPOINT,
      ...(config.COSMOS_KEY ? { key: config.COSMOS_KEY } : clientId ? { managedIdentityClientId: clientId } : {}),
      database: config.COSMOS_DATABASE,
      container: config.COSMOS_CONTAINER,
      logger,
    });
  }
  const { createEmbeddedDocumentStore } = await import('./embedded/embedded-document-store.js');
  return createEmbeddedDocumentStore({
    dataDir: config.DATA_DIR,
    synchronous: config.EMBEDDED_SYNC,
    busyTimeoutMs: config.EMBEDDED_BUSY_TIMEOUT_MS,
    // Every document is checked against its schema when written and at start; one that fails is
    // quarantined, and a quarantined tilbud or plan stops the start (StoreIntegrityError).
    validate: checkStoredDocument,
    criticalTypes: CRITICAL_DOCUMENT_TYPES,
    logger,
  });
}
