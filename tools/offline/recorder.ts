import * as pulumi from "@pulumi/pulumi";
import type {
  RegisterResourceRequest,
  RegisterResourceResponse,
} from "@pulumi/pulumi/proto/resource_pb";

/** The resource options Pulumi sent with a registration. */
export interface RecordedOptions {
  readonly protect: boolean;
  readonly dependsOn: readonly string[];
  readonly ignoreChanges: readonly string[];
  readonly replaceOnChanges: readonly string[];
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly additionalSecretOutputs: readonly string[];
  readonly aliases: number;
  /** Provider reference (`<provider urn>::<id>`), for custom resources given an explicit one. */
  readonly provider?: string;
  /** Providers map passed to a component (`package` → reference). */
  readonly providers: Readonly<Record<string, string>>;
  readonly version?: string;
}

/** One resource registration, as the Pulumi engine would receive it. */
export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** True for cloud resources, false for components. */
  readonly custom: boolean;
  /** URN of the parent resource; undefined at the root of the stack. */
  readonly parent?: string;
  /**
   * The inputs, deserialised. Secret values stay wrapped in Pulumi's secret signature
   * (test with `isSecretValue`, read with `unsecret`).
   */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** What the mocks answered: the id (empty for components) and the resulting state. */
  readonly id: string;
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly options: RecordedOptions;
}

/** True when `value` is a secret as sent to the engine. */
export function isSecretValue(value: unknown): boolean {
  return pulumi.runtime.isRpcSecret(value);
}

/** Removes every secret wrapper, recursively, for assertions on the plain value. */
export function unsecret(value: unknown): unknown {
  if (pulumi.runtime.isRpcSecret(value)) {
    return unsecret(pulumi.runtime.unwrapRpcSecret(value));
  }
  if (Array.isArray(value)) {
    return value.map(unsecret);
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, unsecret(child)]));
  }
  return value;
}

function optionsOf(request: RegisterResourceRequest): RecordedOptions {
  const provider = request.getProvider();
  const version = request.getVersion();
  return {
    protect: request.getProtect() ?? false,
    dependsOn: [...request.getDependenciesList()].sort(),
    ignoreChanges: request.getIgnorechangesList(),
    replaceOnChanges: request.getReplaceonchangesList(),
    retainOnDelete: request.getRetainondelete() ?? false,
    deleteBeforeReplace: request.getDeletebeforereplace(),
    additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
    aliases: request.getAliasesList().length + request.getAliasurnsList().length,
    ...(provider ? { provider } : {}),
    providers: Object.fromEntries(request.getProvidersMap().toArray()),
    ...(version ? { version } : {}),
  };
}

type RegisterCallback = (error: Error | null, response?: RegisterResourceResponse) => void;
interface RegisteringMonitor {
  registerResource(request: RegisterResourceRequest, callback: RegisterCallback): void;
}

function isRegisteringMonitor(monitor: unknown): monitor is RegisteringMonitor {
  return (
    typeof monitor === "object" &&
    monitor !== null &&
    typeof (monitor as Partial<RegisteringMonitor>).registerResource === "function"
  );
}

/**
 * Records every registration the current (mock) monitor receives, with the options that
 * `MockResourceArgs` leaves out (parent, protect, dependsOn, ignoreChanges, provider...).
 * Call after `setMocks`: a new monitor needs a new recorder.
 */
export class ResourceRecorder {
  private readonly recorded: RecordedResource[] = [];

  constructor() {
    const monitor: unknown = pulumi.runtime.getMonitor();
    if (!isRegisteringMonitor(monitor)) {
      throw new Error("ResourceRecorder needs the mock monitor: call setMocks first");
    }
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) => {
      register(request, (error, response) => {
        if (!error && response) {
          const parent = request.getParent();
          const object = request.getObject();
          const state = response.getObject();
          this.recorded.push({
            urn: response.getUrn(),
            type: request.getType(),
            name: request.getName(),
            custom: request.getCustom(),
            ...(parent ? { parent } : {}),
            inputs: object ? pulumi.runtime.deserializeProperties(object, true) : {},
            id: response.getId(),
            outputs: state ? pulumi.runtime.deserializeProperties(state, true) : {},
            options: optionsOf(request),
          });
        }
        callback(error, response);
      });
    };
  }

  /** Every resource registered so far, in registration order. */
  get resources(): readonly RecordedResource[] {
    return this.recorded;
  }
}
