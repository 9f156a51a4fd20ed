// Type-checked by `cargo xtask consumers` (`tsc --strict --noEmit`) against the types that
// openapi-typescript generates from spec/dist/liveagent-v1.json: three operations a client uses.
import type { components, operations } from "./liveagent-v1";

type Json<Op extends "listConversations" | "getTag" | "createConversationMessage"> =
  operations[Op]["responses"][200]["content"]["application/json"];

// listConversations: query parameters (a comma-list, a datetime) and a list in the envelope.
const query: NonNullable<operations["listConversations"]["parameters"]["query"]> = {
  status: "R,T,C",
  datefrom: "2014-08-09 10:14:00",
  limit: 100,
};
export function openConversations(body: Json<"listConversations">): string[] {
  const statuses: components["schemas"]["ConversationStatus"][] = [];
  for (const conversation of body.response.conversations ?? []) {
    // Open enum: any string is accepted, the known values are documented.
    if (conversation.status != null) statuses.push(conversation.status);
  }
  return statuses.concat(query.status ?? []);
}

// getTag: a path parameter and a nullable field.
const tag: operations["getTag"]["parameters"]["path"] = { tagid: "sh3j" };
export function tagName(body: Json<"getTag">): string {
  return body.response.name ?? tag.tagid;
}

// createConversationMessage: a form body with open enums and a la-int in the answer.
export const message: operations["createConversationMessage"]["requestBody"]["content"]["application/x-www-form-urlencoded"] = {
  message: "Hello",
  type: "M",
  do_not_send_mail: "Y",
};
export function statusCode(body: Json<"createConversationMessage">): number {
  const code: components["schemas"]["LaInt"] | undefined = body.response.statuscode;
  return typeof code === "string" ? Number(code) : (code ?? 0);
}
