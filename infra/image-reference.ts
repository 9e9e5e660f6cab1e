/**
 * Whether a container image reference is pinned: by an exact version tag (`name:1.2`,
 * `name:v3.259.0-kubelogin-0.2.19`) or by a `sha256` digest (`name@sha256:<64 hex>`, with or
 * without a tag). `latest`, an untagged name (which pulls `latest`) and a floating tag such as
 * `17` or `17-alpine` are not: the registry can move them under a running deployment, so the
 * same program would run different software from one day to the next.
 *
 * Pure; callers report a `false` under their own key.
 */
export function isPinnedImage(image: string): boolean {
  const [reference = "", digest] = image.split("@");
  // The tag follows the last `:` of the last path segment; a registry's `:port` is not a tag.
  const lastSegment = reference.slice(reference.lastIndexOf("/") + 1);
  const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : "";
  const pinnedByDigest = digest !== undefined && /^sha256:[a-f0-9]{64}$/.test(digest);
  return pinnedByDigest || /^v?\d+\.\d+/.test(tag);
}

/** The reason a caller gives when {@link isPinnedImage} is false, with an example of its own. */
export function unpinnedImageReason(image: string, example: string): string {
  return `expected an image pinned by an exact version tag (e.g. "${example}") or a digest, not latest or a floating tag, got "${image}"`;
}
