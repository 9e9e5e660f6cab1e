import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addressInCidr,
  cidrContains,
  cidrsOverlap,
  isIpv4Address,
  isIpv4Cidr,
  parseIpv4Cidr,
} from "../../infra/cidr";

describe("CIDR maths", () => {
  it("accepts network-aligned IPv4 blocks only", () => {
    assert.ok(isIpv4Cidr("10.20.0.0/16"));
    assert.ok(isIpv4Cidr("0.0.0.0/0"));
    assert.ok(!isIpv4Cidr("10.20.0.1/16"), "host bits set");
    assert.ok(!isIpv4Cidr("10.20.0.0/33"));
    assert.ok(!isIpv4Cidr("10.20.0.0"));
    assert.ok(!isIpv4Cidr("fd00::/8"));
    assert.ok(!isIpv4Cidr("010.20.0.0/16"));
  });

  it("computes block bounds", () => {
    assert.deepEqual(parseIpv4Cidr("10.20.8.0/28"), {
      first: 169084928,
      last: 169084943,
      prefixLength: 28,
    });
  });

  it("tells containment and overlap", () => {
    assert.ok(cidrContains("10.20.0.0/16", "10.20.8.0/28"));
    assert.ok(!cidrContains("10.20.0.0/16", "10.21.0.0/24"));
    assert.ok(!cidrContains("10.20.8.0/28", "10.20.0.0/16"));
    assert.ok(cidrsOverlap("10.20.0.0/22", "10.20.3.0/24"));
    assert.ok(!cidrsOverlap("10.20.0.0/22", "10.20.4.0/24"));
    assert.ok(addressInCidr("172.16.0.10", "172.16.0.0/16"));
    assert.ok(!addressInCidr("10.0.0.10", "172.16.0.0/16"));
  });

  it("recognises plain addresses", () => {
    assert.ok(isIpv4Address("172.16.0.10"));
    assert.ok(!isIpv4Address("172.16.0"));
    assert.ok(!isIpv4Address("172.16.0.0/16"));
  });
});
