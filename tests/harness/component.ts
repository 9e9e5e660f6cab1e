import type { AzureScope } from "../../infra/azure-scope";
import { ResourceNamer } from "../../infra/naming";
import { standardTags } from "../../infra/tags";
import type { RecordedResource } from "./recorder";
import { installMocks, waitForRegistrations } from "./runtime";

/** A component built under mocks, with every resource it registered. */
export interface ComponentRun<T> {
  readonly component: T;
  readonly resources: readonly RecordedResource[];
}

/**
 * Builds a component under fresh mocks and waits until all its registrations are recorded.
 * `build` runs after the mocks are installed, so the component's resources use them.
 */
export async function recordComponent<T>(
  build: () => T,
  options: { readonly stack?: string; readonly preview?: boolean } = {},
): Promise<ComponentRun<T>> {
  const recorder = await installMocks(options.stack ?? "test", options.preview ?? false);
  const component = build();
  await waitForRegistrations();
  return { component, resources: recorder.resources };
}

/** An {@link AzureScope} as the stacks build it, for component tests. */
export function testScope(
  options: { readonly protect?: boolean; readonly stack?: string } = {},
): AzureScope {
  const stack = options.stack ?? "test";
  return {
    resourceGroupName: "rg-hire-test",
    location: "westeurope",
    namer: new ResourceNamer({ prefix: "hire", stack }, "ab12c"),
    tags: standardTags({
      project: "hiring-infra",
      stack,
      environment: "development",
      owner: "platform-team",
      costCenter: "cc-1042",
    }),
    protect: options.protect ?? false,
  };
}

/** Query helpers over recorded resources, failing with a useful message when nothing matches. */
export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((resource) => resource.type === type);
}

/** The one resource of `type` (optionally with logical `name` ending in `nameSuffix`). */
export function single(
  resources: readonly RecordedResource[],
  type: string,
  nameSuffix?: string,
): RecordedResource {
  const matches = ofType(resources, type).filter(
    (resource) => nameSuffix === undefined || resource.name.endsWith(nameSuffix),
  );
  if (matches.length !== 1) {
    throw new Error(
      `expected exactly one ${type}${nameSuffix ? ` named *${nameSuffix}` : ""}, found ${matches.length}: ${ofType(
        resources,
        type,
      )
        .map((r) => r.name)
        .join(", ")}`,
    );
  }
  return matches[0] as RecordedResource;
}
