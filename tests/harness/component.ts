import assert from "node:assert/strict";
import type { AzureScope } from "../../infra/azure-scope";
import { ResourceNamer } from "../../infra/naming";
import { BuiltInRole, type BuiltInRoleName } from "../../infra/roles";
import { standardTags } from "../../infra/tags";
import { MOCK_AZURE } from "../../tools/offline/mocks";
import type { RecordedResource } from "../../tools/offline/recorder";
import { installMocks, waitForRegistrations } from "../../tools/offline/runtime";

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

/**
 * Runs `build` under fresh mocks and asserts it throws `message` before registering anything,
 * as a component's argument validation must.
 */
export async function assertRejectsBeforeRegistering(
  build: () => unknown,
  message: RegExp,
): Promise<void> {
  const recorder = await installMocks("test");
  assert.throws(build, message);
  await waitForRegistrations();
  assert.equal(recorder.resources.length, 0, "nothing registered");
}

/** An input that must be an object (e.g. a resource's nested properties), failing with `what`. */
export function inputObject(value: unknown, what: string): Readonly<Record<string, unknown>> {
  assert.ok(value !== null && typeof value === "object" && !Array.isArray(value), what);
  return value as Readonly<Record<string, unknown>>;
}

const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";

/**
 * Asserts every role assignment in `resources` is on `scopeId` (so never on a subscription) and
 * says why it exists.
 */
export function assertGrantsOnlyOn(resources: readonly RecordedResource[], scopeId: string): void {
  for (const assignment of ofType(resources, ROLE_ASSIGNMENT)) {
    assert.equal(assignment.inputs.scope, scopeId, assignment.name);
    assert.doesNotMatch(assignment.inputs.scope, /^\/subscriptions\/[^/]+$/);
    assert.ok(String(assignment.inputs.description).length > 0, `${assignment.name} says why`);
  }
}

/**
 * The principals granted the built-in `role` in `resources`, as `[principalId, principalType]`
 * in registration order. The role definition id is spelled out here rather than taken from
 * `roleDefinitionId`, so a wrong id in the code under test shows up.
 */
export function granteesOf(
  resources: readonly RecordedResource[],
  role: BuiltInRoleName,
): [unknown, unknown][] {
  const definitionId = `/subscriptions/${MOCK_AZURE.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BuiltInRole[role]}`;
  return ofType(resources, ROLE_ASSIGNMENT)
    .filter((assignment) => assignment.inputs.roleDefinitionId === definitionId)
    .map((assignment) => [assignment.inputs.principalId, assignment.inputs.principalType]);
}
