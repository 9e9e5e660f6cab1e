/** Who owns the stack and who pays for it; the inputs to {@link standardTags}. */
export interface TagInputs {
  /** Pulumi project name. */
  readonly project: string;
  /** Pulumi stack name. */
  readonly stack: string;
  /** `development` or `production`. */
  readonly environment: string;
  /** Team or person accountable for the resources (e.g. `platform-team`). */
  readonly owner: string;
  /** Cost centre the resources are billed to. */
  readonly costCenter: string;
  /** Further tags from config; they cannot override the standard ones. */
  readonly extra?: Readonly<Record<string, string>>;
}

/** The tags every taggable Azure resource of this project carries. */
export type StandardTags = Readonly<Record<string, string>>;

/**
 * The standard tags: project, stack, environment, owner, cost centre and managed-by. Extra tags
 * come first so a stack file can never overwrite the ones that cost reports and policy rely on.
 */
export function standardTags(inputs: TagInputs): StandardTags {
  return Object.freeze({
    ...inputs.extra,
    project: inputs.project,
    stack: inputs.stack,
    environment: inputs.environment,
    owner: inputs.owner,
    "cost-center": inputs.costCenter,
    "managed-by": "pulumi",
  });
}

/** Names of the tags {@link standardTags} always sets; config may not redefine them. */
export const STANDARD_TAG_NAMES: readonly string[] = [
  "project",
  "stack",
  "environment",
  "owner",
  "cost-center",
  "managed-by",
];
