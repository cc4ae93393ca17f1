// Clients for the external providers (WireMock stands in for both in the
// compose stack). The correlation id is forwarded so provider-side request
// logs can be matched to a journey.
import { z } from "zod";
import { CORRELATION_HEADER } from "./http.ts";

const TIMEOUT_MS = 5000;

export type ChargeResult = { outcome: "captured"; chargeId: string } | { outcome: "declined"; reason: string };

const captured = z.object({ id: z.string() });
const declined = z.object({ reason: z.string().optional() });

export async function charge(
  baseUrl: string,
  request: { orderId: string; amountCents: number; cardToken: string },
  correlationId: string,
): Promise<ChargeResult> {
  const res = await post(`${baseUrl}/v1/charges`, request, correlationId, request.orderId);
  // 402 Payment Required is the provider's "card declined": a final answer, not a failure.
  if (res.status === 402) {
    return { outcome: "declined", reason: declined.parse(await res.json()).reason ?? "card_declined" };
  }
  if (!res.ok) throw new Error(`payment provider answered ${res.status}`);
  return { outcome: "captured", chargeId: captured.parse(await res.json()).id };
}

export async function sendEmail(
  baseUrl: string,
  email: { to: string; template: string; orderId: string; variables: Record<string, unknown> },
  correlationId: string,
  idempotencyKey: string,
): Promise<{ messageId: string | null }> {
  const res = await post(`${baseUrl}/v1/emails`, email, correlationId, idempotencyKey);
  if (!res.ok) throw new Error(`email provider answered ${res.status}`);
  const body = z.object({ id: z.string().optional() }).safeParse(await res.json().catch(() => ({})));
  return { messageId: body.success ? (body.data.id ?? null) : null };
}

// The idempotency key lets a real provider deduplicate the retry that follows
// a crash between its answer and our commit.
function post(url: string, body: unknown, correlationId: string, idempotencyKey: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", [CORRELATION_HEADER]: correlationId, "idempotency-key": idempotencyKey },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
}
