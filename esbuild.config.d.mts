// Types of what esbuild.config.mjs exports, for the tests that build its bundles in memory.
import type { BuildOptions } from 'esbuild';

export declare const CLI_COMMANDS: Record<string, string>;
export declare const CLI_LAZY_PACKAGES: string[];
export declare const contexts: Record<'extension' | 'server' | 'webview' | 'cli' | 'cliCommands', BuildOptions>;
