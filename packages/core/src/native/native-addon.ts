import { loadNative } from '@charybdis/native';
import type { NativeBinding } from '@charybdis/native';

/** Which implementation the facade uses in this thread, and why. */
export interface NativeStatus {
  kind: 'native' | 'fallback';
  /** Path of the addon, whether or not it loaded. */
  path: string;
  /** Why the fallback is in use; null when the addon is in use. */
  reason: string | null;
}

/**
 * The addon as loaded in the current thread (main or worker), or null when it is
 * unavailable. Setting CHARYBDIS_NATIVE=off forces the pure-TypeScript fallbacks, which is
 * how tests compare the two and how an operator can rule the addon out.
 *
 * Loaded once per thread: a module-level cache of an immutable value, not mutable state.
 */
const loaded: { binding: NativeBinding | null; status: NativeStatus } = (() => {
  const result = loadNative();
  if (process.env.CHARYBDIS_NATIVE === 'off') {
    return {
      binding: null,
      status: { kind: 'fallback' as const, path: result.path, reason: 'disabled by CHARYBDIS_NATIVE=off' },
    };
  }
  if (result.binding === null) {
    return {
      binding: null,
      status: { kind: 'fallback' as const, path: result.path, reason: result.error ?? 'unknown error' },
    };
  }
  return { binding: result.binding, status: { kind: 'native' as const, path: result.path, reason: null } };
})();

/** The native binding, or null when the fallbacks are in use. Internal to core. */
export function nativeBinding(): NativeBinding | null {
  return loaded.binding;
}

/** Which implementation is in use; the node logs this once at start-up. */
export function nativeStatus(): NativeStatus {
  return loaded.status;
}
