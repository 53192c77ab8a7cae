// The registry of lint rules: one file per rule, named after its id (the diagnostic code). The engine runs
// every rule in this order; rules with `checkEntry` are cached per entry by the incremental linter.
import { advertiseClientRequired } from './advertise-client-required';
import { advertiseUrl } from './advertise-url';
import { authToken } from './auth-token';
import { bcryptCost } from './bcrypt-cost';
import { bindIp } from './bind-ip';
import { bootstrapConflict } from './bootstrap-conflict';
import { clusterSize } from './cluster-size';
import { compactionRetention } from './compaction-retention';
import { configFileOverrides } from './config-file-overrides';
import { defaultName } from './default-name';
import { deprecatedKey } from './deprecated-key';
import { duplicateKey } from './duplicate-key';
import { electionTimeoutMax } from './election-timeout-max';
import { electionTimeoutRatio } from './election-timeout-ratio';
import { electionTimeoutRunbook } from './election-timeout-runbook';
import { emptyValue } from './empty-value';
import { envSyntax } from './env-syntax';
import { existingWithDiscovery } from './existing-with-discovery';
import { initialClusterAdvertise } from './initial-cluster-advertise';
import { initialClusterDuplicateName } from './initial-cluster-duplicate-name';
import { initialClusterDuplicateUrl } from './initial-cluster-duplicate-url';
import { initialClusterMissing } from './initial-cluster-missing';
import { initialClusterOwnName } from './initial-cluster-own-name';
import { initialClusterUntrimmed } from './initial-cluster-untrimmed';
import { inlineComment } from './inline-comment';
import { invalidEnum } from './invalid-enum';
import { invalidValue } from './invalid-value';
import { leaseCheckpoint } from './lease-checkpoint';
import { listenDuplicate } from './listen-duplicate';
import { logOutputs } from './log-outputs';
import { persistentDanger } from './persistent-danger';
import { quotaTooLarge } from './quota-too-large';
import { requestTooLarge } from './request-too-large';
import { timeoutsPositive } from './timeouts-positive';
import { tlsListener } from './tls-listener';
import { tlsOptions } from './tls-options';
import { tlsPair } from './tls-pair';
import { unknownKey } from './unknown-key';
import { unsupportedKey } from './unsupported-key';
import { urlFormat } from './url-format';
import { v2Conflict } from './v2-conflict';
import { yamlSyntax } from './yaml-syntax';
import type { Rule } from './helpers';

export type { Rule } from './helpers';

/** Every lint rule, in the order the engine runs them. */
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
  initialClusterMissing,
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
