import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/**
 * Whether `opts` gives a component's children a Kubernetes provider to inherit: listed in
 * `providers` (map or array), given as `provider`, or inherited from the parent.
 *
 * @param opts the component's options.
 */
function hasKubernetesProvider(opts: pulumi.ComponentResourceOptions | undefined): boolean {
  const providers = opts?.providers;
  const listed = Array.isArray(providers)
    ? providers.some((provider) => k8s.Provider.isInstance(provider))
    : providers?.kubernetes !== undefined;
  return (
    listed ||
    k8s.Provider.isInstance(opts?.provider) ||
    opts?.parent?.getProvider("kubernetes::") !== undefined
  );
}

/**
 * Throws unless `opts` carries a Kubernetes provider, so a component never falls back to the
 * ambient kubeconfig (which could point at any cluster). Call it before `super(...)`.
 *
 * @param component the component's class name, e.g. `AppPlatform`, for the message.
 * @param name the component's logical name, for the message.
 * @param opts the component's options.
 */
export function requireKubernetesProvider(
  component: string,
  name: string,
  opts: pulumi.ComponentResourceOptions | undefined,
): void {
  if (!hasKubernetesProvider(opts)) {
    throw new Error(
      `${component} "${name}": opts.providers must include the Kubernetes provider ({ providers: { kubernetes: provider } }); an ambient kubeconfig is never used`,
    );
  }
}
