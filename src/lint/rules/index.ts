// The registry of lint rules, one file per rule (or per small family); the engine is a flatMap over it.
import { electionTimeoutMax, electionTimeoutRatio, electionTimeoutRunbook, timeoutsPositive } from './electionTimeout';
import { duplicateKey } from './duplicateKey';
import { emptyValue } from './emptyValue';
import { invalidEnum } from './enums';
import {
  bootstrapConflict,
  clusterSize,
  existingWithDiscovery,
  initialClusterAdvertise,
  initialClusterDuplicateName,
  initialClusterDuplicateUrl,
  initialClusterOwnName,
  initialClusterUntrimmed,
} from './initialCluster';
import { inlineComment } from './inlineComment';
import { invalidValue } from './invalidValue';
import {
  authToken,
  bcryptCost,
  compactionRetention,
  configFileOverrides,
  defaultName,
  leaseCheckpoint,
  logOutputs,
  persistentDanger,
  quotaTooLarge,
  requestTooLarge,
  v2Conflict,
} from './misc';
import type { Rule } from './rule';
import { envSyntax, yamlSyntax } from './syntax';
import { tlsListener, tlsOptions, tlsPair } from './tls';
import { unknownKey } from './unknownKey';
import { advertiseClientRequired, advertiseUrl, bindIp, listenDuplicate, urlFormat } from './urls';
import { deprecatedKey, unsupportedKey } from './versionKey';

export type { Rule } from './rule';

export const RULES: readonly Rule[] = [
  envSyntax,
  yamlSyntax,
  unknownKey,
  unsupportedKey,
  deprecatedKey,
  duplicateKey,
  emptyValue,
  invalidValue,
  inlineComment,
  invalidEnum,
  timeoutsPositive,
  electionTimeoutRatio,
  electionTimeoutRunbook,
  electionTimeoutMax,
  urlFormat,
  bindIp,
  advertiseUrl,
  advertiseClientRequired,
  listenDuplicate,
  initialClusterOwnName,
  initialClusterAdvertise,
  initialClusterDuplicateUrl,
  initialClusterDuplicateName,
  initialClusterUntrimmed,
  clusterSize,
  bootstrapConflict,
  existingWithDiscovery,
  tlsListener,
  tlsPair,
  tlsOptions,
  authToken,
  logOutputs,
  compactionRetention,
  leaseCheckpoint,
  quotaTooLarge,
  requestTooLarge,
  persistentDanger,
  configFileOverrides,
  v2Conflict,
  bcryptCost,
  defaultName,
];
