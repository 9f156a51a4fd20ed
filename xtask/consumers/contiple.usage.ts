// Type-checked by `cargo xtask consumers` (`tsc --strict --noEmit`) against the types that
// openapi-typescript generates from spec/dist/contiple.json: three operations a client uses.
import type { components, operations } from "./contiple";

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
