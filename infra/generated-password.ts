import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/** What every generated password is drawn with. */
export const GENERATED_PASSWORD_ARGS: Readonly<random.RandomPasswordArgs> = {
  length: 32,
  special: true,
  // RFC 3986 unreserved characters: safe unescaped in URIs, libpq and JDBC strings, shells.
  overrideSpecial: "-_.~",
  minUpper: 2,
  minLower: 2,
  minNumeric: 2,
  minSpecial: 2,
};

/**
 * A random 32-character password, drawn once (no keepers), with at least two upper-case letters,
 * lower-case letters, digits and specials each, returned as a secret.
 *
 * @param name logical name of the `RandomPassword` resource.
 * @param opts its resource options (parent; `protect` where replacing it would lose the value).
 */
export function generatedPassword(
  name: string,
  opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
  const password = new random.RandomPassword(name, { ...GENERATED_PASSWORD_ARGS }, opts);
  // The random provider does not mark `result` secret under every engine (mocks included).
  return pulumi.secret(password.result);
}
