import * as policySdk from "@pulumi/policy";

/**
 * The two unknown-value helpers of `@pulumi/policy`, typed. Version 1.21 re-exports them from a
 * module whose declarations are stripped as internal, so they arrive untyped; this is the one
 * place that says what they are.
 */
interface UnknownValueHelpers {
  /**
   * Wraps resource properties so that reading a value not known until deployment throws an
   * {@link UnknownValueError}, as the policy server does with the props it passes to rules.
   */
  readonly unknownCheckingProxy: <T extends object>(props: T) => T;
  /** What reading an unknown value through {@link unknownCheckingProxy} throws. */
  readonly UnknownValueError: abstract new (...args: never[]) => Error;
}

const helpers = policySdk as unknown as UnknownValueHelpers;

/**
 * Wraps `props` the way the policy server does before it calls a rule: reading a value that is
 * unknown during `pulumi preview` throws an {@link UnknownValueError}. Tests and the offline plan
 * wrap props with it so rules run exactly as under the CLI (pulumi/pulumi-policy#445).
 */
export const unknownCheckingProxy = helpers.unknownCheckingProxy;

/** The error {@link unknownCheckingProxy} throws when a rule reads an unknown value. */
export const UnknownValueError = helpers.UnknownValueError;

/** True when `error` is what reading an unknown value through the proxy throws. */
export function isUnknownValueError(error: unknown): error is Error {
  return error instanceof UnknownValueError;
}
