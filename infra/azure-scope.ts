import type * as pulumi from "@pulumi/pulumi";
import type { ResourceNamer } from "./naming";
import type { StandardTags } from "./tags";

/**
 * Where and how an Azure component places its resources: the resource group and region, the
 * names, the tags every taggable resource carries, and whether stateful resources are protected.
 * Passed explicitly because resource transforms do not run under Pulumi's mocks.
 */
export interface AzureScope {
  /** Resource group that holds the component's resources. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Azure region, e.g. `westeurope`. */
  readonly location: string;
  /** Composes validated Azure names. */
  readonly namer: ResourceNamer;
  /** Standard tags for every taggable resource. */
  readonly tags: StandardTags;
  /** Protect stateful resources (cluster, database, vault, registry, workspace) from deletion. */
  readonly protect: boolean;
}
