/**
 * Runs the DocumentStore contract against every adapter: embedded on a temp dir (with close
 * and reopen from the same dir), embedded in memory, and Cosmos DB on the local server
 * (@vercel/cosmosdb-server, a fresh database per suite).
 */
import { openCosmos, openEmbeddedInMemory, openEmbeddedOnDisk } from './contract-stores.js';
import { describeDocumentStoreContract } from './document-store.contract.js';

describeDocumentStoreContract('embedded on a temp dir', openEmbeddedOnDisk, { persistent: true });
describeDocumentStoreContract('embedded in memory', openEmbeddedInMemory);
describeDocumentStoreContract('cosmos on the local server', openCosmos, { persistent: true });
