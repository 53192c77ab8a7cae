// The CLI's text for terminals: printable() lives in src/shared/text.ts and etcdctl-style tables in
// src/etcd/printer.ts; this module keeps the import path of src/cli/lint.ts working.
export { printable } from '../shared/text';
