// Type-checked by `cargo xtask consumers` (`tsc --strict --noEmit`) against the types that
// openapi-typescript generates from spec/dist/contiple.json: three operations a client uses, and
// the `webhooks` a client company's server answers the help center with.
import type { components, operations, webhooks } from "./contiple";

type Json<Op extends "getService" | "createTicket" | "listAgents"> =
  operations[Op]["responses"][200]["content"]["application/json"];

// getService: an unsigned lookup; the envelope's header says whether it worked.
export function serviceName(body: Json<"getService">): string | null | undefined {
  return body.header.isSuccessful ? body.result?.content?.name : null;
}

// createTicket: a JSON body with a nested end user and an open enum.
export const ticket: components["schemas"]["CreateTicketBody"] = {
  categoryId: 1,
  subject: "Subject",
  content: "Content",
  endUser: { email: "user@example.com", username: "User" },
  source: "api",
};
export function createdTicketId(body: Json<"createTicket">): string | null | undefined {
  return body.result?.content?.ticketId;
}

// listAgents: a query filter by role (open enum) and paging.
const filter: NonNullable<operations["listAgents"]["parameters"]["query"]> = {
  role: "ROLE_FRONT_AGENT",
  page: 1,
  pageSize: 20,
};
export function agentNames(body: Json<"listAgents">): string[] {
  return (body.result.contents ?? [])
    .filter((agent) => filter.role === undefined || agent.role === filter.role)
    .map((agent) => agent.username);
}

// The other direction (`webhooks`): what a service serves to the help center, typed.
type Served<W extends keyof webhooks> = NonNullable<webhooks[W]["get"]>;
type LoginStatus =
  Served<"memberLoginStatus">["responses"][200]["content"]["application/json"];
export const loggedOut: LoginStatus = { login: "false", usercode: null };
export const loggedIn: LoginStatus = { login: "true", usercode: "usercodeXXX" };
export const allowOrigin: Served<"memberLoginStatus">["responses"][200]["headers"]["Access-Control-Allow-Origin"] =
  "https://nhn-cs.oc.nhncloud.com";
export const verification: Served<"memberTokenVerification">["responses"][200]["content"]["application/json"] =
  { login: "false", usercode: null };
export const verificationQuery: Served<"memberTokenVerification">["parameters"]["query"] = {
  usercode: "usercodeXXX",
  token: "Ah9M58CQ9RFTShjFuqziQr+0MjmJxN6+bzWxMD71moo=",
};
// Customer data keeps any ticket field code beside custId and custName.
export const customer: Served<"customerData">["responses"][200]["content"]["application/json"] = {
  resultData: { custId: "test", custName: "Test", grade: "VIP", points: 1200 },
  resultCode: "0",
  resultMsg: "success",
};
// The server-side remote login's access token.
export function accessToken(
  body: operations["remoteLoginServer"]["responses"][200]["content"]["application/json"],
): string | undefined {
  return body.result?.content;
}
