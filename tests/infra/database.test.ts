import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { Database, type DatabaseArgs } from "../../infra/database";
import { ofType, recordComponent, single, testScope } from "../harness/component";
import type { RecordedResource } from "../../tools/offline/recorder";
import { isSecretValue, unsecret } from "../../tools/offline/recorder";
import {
  installMocks,
  isSecretOutput,
  valueOf,
  waitForRegistrations,
} from "../../tools/offline/runtime";

const SERVER = "azure-native:dbforpostgresql:Server";
const CONFIGURATION = "azure-native:dbforpostgresql:Configuration";
const ENTRA_ADMIN = "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra";
const DATABASE = "azure-native:dbforpostgresql:Database";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const KEY_VAULT_SECRET = "azure-native:keyvault:Secret";

const SUBNET_ID =
  "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-hire-test/providers/Microsoft.Network/virtualNetworks/vnet-hire-test/subnets/snet-hire-test-database";
const DNS_ZONE_ID =
  "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-hire-test/providers/Microsoft.Network/privateDnsZones/privatelink.postgres.database.azure.com";
const TENANT_ID = "00000000-0000-4000-8000-000000000002";
const ADMIN_GROUP = "7a3c2f10-5b8e-4d1a-9c47-2e6f0b9d8a31";
const DEPLOYER_SP = "5d2e8c41-9a7b-4f3e-8c1d-0b6a4e9f2c75";

function devArgs(overrides: Partial<DatabaseArgs> = {}): DatabaseArgs {
  return {
    scope: testScope({ protect: false }),
    version: "16",
    skuName: "Standard_B1ms",
    skuTier: "Burstable",
    storageSizeGB: 32,
    storageAutoGrow: true,
    backupRetentionDays: 7,
    geoRedundantBackup: false,
    highAvailability: "Disabled",
    administratorLogin: "hiringadmin",
    maintenanceWindow: { dayOfWeek: 0, startHour: 2 },
    delegatedSubnetId: SUBNET_ID,
    privateDnsZoneId: DNS_ZONE_ID,
    keyVaultName: "kv-hire-test-ab12c",
    tenantId: TENANT_ID,
    entraAdministrators: [],
    databases: ["applicant_api", "interview_scheduler"],
    ...overrides,
  };
}

function prodArgs(overrides: Partial<DatabaseArgs> = {}): DatabaseArgs {
  return devArgs({
    scope: testScope({ protect: true, stack: "prod" }),
    skuName: "Standard_D4ds_v5",
    skuTier: "GeneralPurpose",
    storageSizeGB: 256,
    backupRetentionDays: 35,
    geoRedundantBackup: true,
    highAvailability: "ZoneRedundant",
    availabilityZone: "1",
    standbyAvailabilityZone: "2",
    maintenanceWindow: { dayOfWeek: 6, startHour: 23 },
    entraAdministrators: [
      { objectId: ADMIN_GROUP, principalName: "hiring-db-admins", principalType: "Group" },
      {
        objectId: DEPLOYER_SP,
        principalName: "hiring-deployer",
        principalType: "ServicePrincipal",
      },
    ],
    ...overrides,
  });
}

/** A nested input, read through any secret wrapper. */
function field(resource: RecordedResource, ...path: string[]): unknown {
  let value: unknown = unsecret(resource.inputs);
  for (const key of path) {
    value = (value as Record<string, unknown> | undefined)?.[key];
  }
  return value;
}

/** Whether the input at `path`, or an object that contains it, is sent to the engine as a secret. */
function isSecretAt(resource: RecordedResource, ...path: string[]): boolean {
  let value: unknown = resource.inputs;
  for (const key of path) {
    if (isSecretValue(value)) {
      return true;
    }
    value = (value as Record<string, unknown> | undefined)?.[key];
  }
  return isSecretValue(value);
}

/** Builds the component with `args` and expects it to throw `message` having registered nothing. */
async function assertRejected(args: DatabaseArgs, message: RegExp): Promise<void> {
  const recorder = await installMocks("test");
  assert.throws(() => new Database("db", args), message);
  await waitForRegistrations();
  assert.deepEqual(
    recorder.resources.map((resource) => resource.type),
    [],
    "nothing may be registered before validation fails",
  );
}

describe("Database (dev-like: Burstable, 7-day backups, no HA)", () => {
  let run: { component: Database; resources: readonly RecordedResource[] };
  let server: RecordedResource;
  before(async () => {
    run = await recordComponent(() => new Database("db", devArgs()));
    server = single(run.resources, SERVER);
  });

  it("registers the component under its hiring:data:Database token with every child parented", () => {
    const component = single(run.resources, "hiring:data:Database");
    for (const child of run.resources.filter((resource) => resource !== component)) {
      assert.equal(child.parent, component.urn, `${child.type} ${child.name}`);
    }
  });

  it("is reachable only privately, through the given delegated subnet and private DNS zone", () => {
    assert.deepEqual(field(server, "network"), {
      delegatedSubnetResourceId: SUBNET_ID,
      privateDnsZoneArmResourceId: DNS_ZONE_ID,
      publicNetworkAccess: "Disabled",
    });
  });

  it("names, places and sizes the server from the scope and args", () => {
    assert.equal(server.inputs.serverName, "psql-hire-test-ab12c");
    assert.equal(server.inputs.resourceGroupName, "rg-hire-test");
    assert.equal(server.inputs.location, "westeurope");
    assert.equal(server.inputs.createMode, "Default");
    assert.equal(server.inputs.version, "16");
    assert.deepEqual(server.inputs.sku, { name: "Standard_B1ms", tier: "Burstable" });
  });

  it("grows storage automatically", () => {
    assert.deepEqual(server.inputs.storage, { storageSizeGB: 32, autoGrow: "Enabled" });
  });

  it("keeps 7 days of locally redundant backups", () => {
    assert.deepEqual(server.inputs.backup, {
      backupRetentionDays: 7,
      geoRedundantBackup: "Disabled",
    });
  });

  it("has no standby server and leaves zone placement to Azure", () => {
    // The SDK sends empty zones when none is given, which lets Azure choose.
    assert.deepEqual(server.inputs.highAvailability, {
      mode: "Disabled",
      standbyAvailabilityZone: "",
    });
    assert.equal(server.inputs.availabilityZone, "");
  });

  it("enables Entra ID and password authentication for the given tenant", () => {
    assert.deepEqual(server.inputs.authConfig, {
      activeDirectoryAuth: "Enabled",
      passwordAuth: "Enabled",
      tenantId: TENANT_ID,
    });
  });

  it("uses a custom maintenance window at the top of the given hour", () => {
    assert.deepEqual(server.inputs.maintenanceWindow, {
      customWindow: "Enabled",
      dayOfWeek: 0,
      startHour: 2,
      startMinute: 0,
    });
  });

  it("carries the standard tags on the server and the Key Vault secret", () => {
    const tags = testScope().tags;
    assert.deepEqual(server.inputs.tags, tags);
    assert.deepEqual(single(run.resources, KEY_VAULT_SECRET).inputs.tags, tags);
  });

  it("sends the administrator password to the server only as a secret", () => {
    assert.equal(server.inputs.administratorLogin, "hiringadmin");
    assert.equal(isSecretValue(server.inputs.administratorLoginPassword), true);
    const password = unsecret(server.inputs.administratorLoginPassword);
    assert.equal(typeof password, "string");
    assert.equal(String(password).length, 32);
  });

  it("generates a 32-character password once: no keepers, URI-safe specials, every class present", () => {
    const password = single(run.resources, PASSWORD);
    assert.equal(password.inputs.keepers, undefined);
    assert.equal(password.inputs.length, 32);
    assert.equal(password.inputs.special, true);
    assert.match(String(password.inputs.overrideSpecial), /^[-_.~]+$/);
    for (const minimum of ["minUpper", "minLower", "minNumeric", "minSpecial"]) {
      assert.ok(Number(password.inputs[minimum]) >= 1, minimum);
    }
  });

  it("ignores later password changes on the server, so a new password never replaces it", () => {
    assert.ok(server.options.ignoreChanges.includes("administratorLoginPassword"));
  });

  it("stores the administrator password in the given Key Vault as a secret input", () => {
    const secret = single(run.resources, KEY_VAULT_SECRET);
    assert.equal(secret.inputs.vaultName, "kv-hire-test-ab12c");
    assert.equal(secret.inputs.resourceGroupName, "rg-hire-test");
    assert.equal(secret.inputs.secretName, "postgres-admin-password");
    assert.equal(field(secret, "properties", "contentType"), "text/plain");
    assert.equal(isSecretAt(secret, "properties", "value"), true);
    assert.equal(field(secret, "properties", "value"), field(server, "administratorLoginPassword"));
  });

  it("enforces TLS 1.2+ and logs connections through user-override server parameters", () => {
    const parameters = Object.fromEntries(
      ofType(run.resources, CONFIGURATION).map((configuration) => {
        // Azure/azure-rest-api-specs …/stable/2025-08-01/examples/ConfigurationsUpdateUsingPut.json.
        assert.equal(configuration.inputs.source, "user-override");
        assert.equal(configuration.inputs.serverName, "psql-hire-test-ab12c");
        assert.equal(configuration.inputs.resourceGroupName, "rg-hire-test");
        return [
          String(configuration.inputs.configurationName),
          configuration.inputs.value,
        ] as const;
      }),
    );
    assert.deepEqual(parameters, {
      require_secure_transport: "on",
      ssl_min_protocol_version: "TLSv1.2",
      log_connections: "on",
      log_disconnections: "on",
      log_checkpoints: "on",
      "connection_throttle.enable": "on",
    });
  });

  it("applies server parameters one at a time, each after the previous one", () => {
    const configurations = ofType(run.resources, CONFIGURATION);
    assert.ok(configurations[0]?.options.dependsOn.includes(server.urn));
    configurations.slice(1).forEach((configuration, index) => {
      const previous = configurations[index];
      assert.ok(previous);
      assert.ok(
        configuration.options.dependsOn.includes(previous.urn),
        `${configuration.name} waits for ${previous.name}`,
      );
    });
  });

  it("creates one UTF-8 database per name, after the last server parameter and each other", () => {
    const databases = ofType(run.resources, DATABASE);
    assert.deepEqual(
      databases.map((database) => database.inputs.databaseName),
      ["applicant_api", "interview_scheduler"],
    );
    for (const database of databases) {
      assert.equal(database.inputs.charset, "UTF8");
      assert.equal(database.inputs.collation, "en_US.utf8");
      assert.equal(database.inputs.serverName, "psql-hire-test-ab12c");
    }
    const lastParameter = ofType(run.resources, CONFIGURATION).at(-1);
    assert.ok(lastParameter);
    assert.ok(databases[0]?.options.dependsOn.includes(lastParameter.urn));
    const first = databases[0];
    assert.ok(first);
    assert.ok(databases[1]?.options.dependsOn.includes(first.urn));
  });

  it("registers no Entra administrator when none is given", () => {
    assert.equal(ofType(run.resources, ENTRA_ADMIN).length, 0);
  });

  it("does not protect anything in dev", () => {
    for (const resource of run.resources) {
      assert.equal(resource.options.protect, false, `${resource.type} ${resource.name}`);
    }
  });

  it("exposes connection details, with the password as a secret output", async () => {
    const database = run.component;
    assert.equal(await valueOf(database.serverName), "psql-hire-test-ab12c");
    assert.match(
      await valueOf(database.serverId),
      /\/resourceGroups\/rg-hire-test\/providers\/Microsoft\.dbforpostgresql\/Server\/psql-hire-test-ab12c$/,
    );
    assert.equal(await valueOf(database.fqdn), "psql-hire-test-ab12c.postgres.database.azure.com");
    assert.equal(await valueOf(database.port), 5432);
    assert.equal(await valueOf(database.administratorLogin), "hiringadmin");
    assert.equal(await valueOf(database.adminPasswordSecretName), "postgres-admin-password");
    assert.deepEqual(await valueOf(database.databaseNames), [
      "applicant_api",
      "interview_scheduler",
    ]);
    assert.equal(await isSecretOutput(database.administratorPassword), true);
    assert.equal(
      await valueOf(database.administratorPassword),
      field(server, "administratorLoginPassword"),
    );
  });
});

describe("Database (prod-like: GeneralPurpose, geo backups, zone-redundant HA)", () => {
  let run: { component: Database; resources: readonly RecordedResource[] };
  let server: RecordedResource;
  before(async () => {
    run = await recordComponent(() => new Database("db", prodArgs()), { stack: "prod" });
    server = single(run.resources, SERVER);
  });

  it("runs on a GeneralPurpose size", () => {
    assert.deepEqual(server.inputs.sku, { name: "Standard_D4ds_v5", tier: "GeneralPurpose" });
    assert.deepEqual(server.inputs.storage, { storageSizeGB: 256, autoGrow: "Enabled" });
  });

  it("keeps 35 days of geo-redundant backups", () => {
    assert.deepEqual(server.inputs.backup, {
      backupRetentionDays: 35,
      geoRedundantBackup: "Enabled",
    });
  });

  it("is zone-redundant: primary in zone 1, standby in zone 2", () => {
    assert.equal(server.inputs.availabilityZone, "1");
    assert.deepEqual(server.inputs.highAvailability, {
      mode: "ZoneRedundant",
      standbyAvailabilityZone: "2",
    });
  });

  it("does not fight Azure's zone swap after a failover", () => {
    assert.ok(server.options.ignoreChanges.includes("availabilityZone"));
    assert.ok(server.options.ignoreChanges.includes("highAvailability.standbyAvailabilityZone"));
  });

  it("uses the given maintenance window", () => {
    assert.deepEqual(server.inputs.maintenanceWindow, {
      customWindow: "Enabled",
      dayOfWeek: 6,
      startHour: 23,
      startMinute: 0,
    });
  });

  it("protects the server, its databases and the password", () => {
    assert.equal(server.options.protect, true);
    for (const database of ofType(run.resources, DATABASE)) {
      assert.equal(database.options.protect, true, database.name);
    }
    assert.equal(single(run.resources, PASSWORD).options.protect, true);
  });

  it("makes each Entra principal an administrator in the tenant, after the server parameters", () => {
    const admins = ofType(run.resources, ENTRA_ADMIN);
    assert.deepEqual(
      admins.map((admin) => ({
        objectId: admin.inputs.objectId,
        principalName: admin.inputs.principalName,
        principalType: admin.inputs.principalType,
        tenantId: admin.inputs.tenantId,
        serverName: admin.inputs.serverName,
      })),
      [
        {
          objectId: ADMIN_GROUP,
          principalName: "hiring-db-admins",
          principalType: "Group",
          tenantId: TENANT_ID,
          serverName: "psql-hire-prod-ab12c",
        },
        {
          objectId: DEPLOYER_SP,
          principalName: "hiring-deployer",
          principalType: "ServicePrincipal",
          tenantId: TENANT_ID,
          serverName: "psql-hire-prod-ab12c",
        },
      ],
    );
    const lastParameter = ofType(run.resources, CONFIGURATION).at(-1);
    assert.ok(lastParameter);
    const [first, second] = admins;
    assert.ok(first && second);
    assert.ok(first.options.dependsOn.includes(lastParameter.urn));
    assert.ok(second.options.dependsOn.includes(first.urn));
    assert.ok(ofType(run.resources, DATABASE)[0]?.options.dependsOn.includes(second.urn));
  });

  it("keeps the password secret in the server, the Key Vault secret and the output", async () => {
    assert.equal(isSecretAt(server, "administratorLoginPassword"), true);
    const secret = single(run.resources, KEY_VAULT_SECRET);
    assert.equal(isSecretAt(secret, "properties", "value"), true);
    assert.equal(await isSecretOutput(run.component.administratorPassword), true);
  });
});

describe("Database argument validation", () => {
  it("rejects high availability on the Burstable tier", async () => {
    await assertRejected(
      devArgs({ highAvailability: "ZoneRedundant" }),
      /highAvailability: expected "Disabled" on the Burstable skuTier .*got "ZoneRedundant"/,
    );
    await assertRejected(devArgs({ highAvailability: "SameZone" }), /highAvailability/);
  });

  it("rejects backup retention outside 7-35 days", async () => {
    for (const days of [6, 36, 7.5]) {
      await assertRejected(
        devArgs({ backupRetentionDays: days }),
        /backupRetentionDays: expected a whole number from 7 to 35, got/,
      );
    }
  });

  it("rejects a zone-redundant standby in the primary's zone", async () => {
    await assertRejected(
      prodArgs({ availabilityZone: "2", standbyAvailabilityZone: "2" }),
      /standbyAvailabilityZone: expected a zone other than availabilityZone "2"/,
    );
  });

  it("rejects zones other than 1, 2 and 3", async () => {
    await assertRejected(
      prodArgs({ availabilityZone: "4" }),
      /availabilityZone: expected "1", "2" or "3", got "4"/,
    );
    await assertRejected(
      prodArgs({ standbyAvailabilityZone: "zone2" }),
      /standbyAvailabilityZone: expected "1", "2" or "3", got "zone2"/,
    );
  });

  it("rejects a standby zone without high availability", async () => {
    await assertRejected(
      devArgs({ standbyAvailabilityZone: "2" }),
      /standbyAvailabilityZone: expected none while highAvailability is "Disabled"/,
    );
  });

  it("rejects a SKU name from another tier", async () => {
    await assertRejected(
      devArgs({ skuName: "Standard_D4ds_v5" }),
      /skuName: expected a Burstable size \(Standard_B\.\.\.\), got "Standard_D4ds_v5"/,
    );
  });

  it("rejects a storage size Azure does not offer", async () => {
    await assertRejected(
      devArgs({ storageSizeGB: 100 }),
      /storageSizeGB: expected one of .*, got 100/,
    );
  });

  it("rejects an invalid or reserved administrator login", async () => {
    await assertRejected(devArgs({ administratorLogin: "Admin-User" }), /administratorLogin/);
    await assertRejected(
      devArgs({ administratorLogin: "azure_superuser" }),
      /administratorLogin: expected a login Azure does not reserve, got "azure_superuser"/,
    );
    await assertRejected(devArgs({ administratorLogin: "pg_owner" }), /administratorLogin/);
  });

  it("rejects a maintenance window outside the week or the day", async () => {
    await assertRejected(
      devArgs({ maintenanceWindow: { dayOfWeek: 7, startHour: 2 } }),
      /maintenanceWindow\.dayOfWeek: expected 0 \(Sunday\) to 6 \(Saturday\), got 7/,
    );
    await assertRejected(
      devArgs({ maintenanceWindow: { dayOfWeek: 0, startHour: 24 } }),
      /maintenanceWindow\.startHour: expected a whole hour from 0 to 23, got 24/,
    );
  });

  it("rejects Entra administrators without a GUID object id, or listed twice", async () => {
    await assertRejected(
      prodArgs({
        entraAdministrators: [{ objectId: "admins", principalName: "x", principalType: "Group" }],
      }),
      /entraAdministrators\[0\]\.objectId: expected a GUID, got "admins"/,
    );
    await assertRejected(
      prodArgs({
        entraAdministrators: [
          { objectId: ADMIN_GROUP, principalName: "a", principalType: "Group" },
          { objectId: ADMIN_GROUP.toUpperCase(), principalName: "b", principalType: "Group" },
        ],
      }),
      /entraAdministrators\[1\]\.objectId: expected each objectId once/,
    );
    await assertRejected(
      prodArgs({
        entraAdministrators: [{ objectId: ADMIN_GROUP, principalName: " ", principalType: "User" }],
      }),
      /entraAdministrators\[0\]\.principalName: expected the principal.s display name, got an empty one/,
    );
  });

  it("rejects database names PostgreSQL or Azure would not take as is", async () => {
    for (const bad of ["applicant-api", "Applicant", "1st_app", "", "a".repeat(64)]) {
      await assertRejected(devArgs({ databases: [bad] }), /databases\[\d\]: expected 1-63/);
    }
    await assertRejected(
      devArgs({ databases: ["postgres"] }),
      /databases\[0\]: expected a name other than "postgres", which Azure already creates/,
    );
  });

  it("rejects a database listed twice", async () => {
    await assertRejected(
      devArgs({ databases: ["applicant_api", "applicant_api"] }),
      /databases\[1\]: expected "applicant_api" once/,
    );
  });

  it("accepts the longest valid database name and an empty list", async () => {
    const longest = "a".repeat(63);
    const { resources } = await recordComponent(
      () => new Database("db", devArgs({ databases: [longest] })),
    );
    assert.equal(single(resources, DATABASE).inputs.databaseName, longest);
    const none = await recordComponent(() => new Database("db", devArgs({ databases: [] })));
    assert.equal(ofType(none.resources, DATABASE).length, 0);
    assert.deepEqual(await valueOf(none.component.databaseNames), []);
  });
});
