/**
 * Jenkins for the stacks' delivery, split by concern: pins (chart, plugins, images), args and
 * their rules, the JCasC document, the chart values, the agents' identities and grants, the
 * network policies, and the component that puts them together.
 */
export * from "./pins";
export * from "./args";
export * from "./jcasc";
export * from "./chart-values";
export * from "./identities";
export * from "./network-policies";
export * from "./component";
