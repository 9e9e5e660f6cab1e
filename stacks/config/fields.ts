/**
 * Reusable field schemas of a stack file. Messages say what is expected, in the words a stack
 * file uses.
 */
import { z } from "zod";
import { isIpv4Address, isIpv4Cidr } from "../../infra/cidr";

export const cidr = z
  .string()
  .refine(isIpv4Cidr, "expected an IPv4 CIDR block with zero host bits, like 10.20.0.0/16");
export const ipv4 = z.string().refine(isIpv4Address, "expected an IPv4 address, like 172.16.0.10");
export const azureRegion = z
  .string()
  .regex(/^[a-z][a-z0-9]+$/, "expected an Azure region name, like westeurope");
export const vmSize = z
  .string()
  .regex(/^Standard_[A-Za-z0-9_]+$/, "expected an Azure VM size, like Standard_D4ds_v5");
export const dnsLabel = z
  .string()
  .regex(
    /^[a-z](?:[a-z0-9-]{0,28}[a-z0-9])?$/,
    "expected a DNS label: 1-30 lowercase letters, digits and hyphens, starting with a letter",
  );
export const kubernetesQuantity = z
  .string()
  .regex(
    /^\d+(?:\.\d+)?(?:m|Ki|Mi|Gi|Ti|k|M|G|T)?$/,
    'expected a Kubernetes quantity, like "2", "500m" or "4Gi"',
  );
export const hhmm = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'expected a 24-hour time "HH:MM", like "01:00"');
export const weekday = z.enum([
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
]);
export const zone = z.enum(["1", "2", "3"]);
export const uniqueZones = z
  .array(zone)
  .max(3)
  .refine((zones) => new Set(zones).size === zones.length, "expected each zone at most once");
export const objectId = z.guid("expected an Entra ID object id (a GUID)");
export const tagValue = z.string().min(1).max(256);
export const armId = (what: string): z.ZodString =>
  z
    .string()
    .regex(
      /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/.+$/i,
      `expected the Azure resource id of ${what}, like /subscriptions/<id>/resourceGroups/<group>/providers/...`,
    );
