// Drives Postamt with jmap-jam (https://www.npmjs.com/package/jmap-jam), a JMAP client no one here wrote.
// Usage: node jam-client.mjs BASE_URL USER PASSWORD read
//        node jam-client.mjs BASE_URL USER PASSWORD changes SINCE_STATE
//        node jam-client.mjs BASE_URL USER PASSWORD send TO_ADDRESS SUBJECT
// Prints one JSON object. jmap-jam only sends "Authorization: Bearer <token>"; Postamt offers Basic, so
// the token given is the Basic credentials and fetch swaps the scheme word, nothing else.
import JamClient from "jmap-jam";

const [base, user, password, mode, since, subject] = process.argv.slice(2);
const credentials = Buffer.from(`${user}:${password}`).toString("base64");
const realFetch = globalThis.fetch;
globalThis.fetch = (url, init = {}) => {
  const headers = new Headers(init.headers ?? {});
  const auth = headers.get("Authorization");
  if (auth?.startsWith("Bearer ")) headers.set("Authorization", "Basic " + auth.slice(7));
  return realFetch(url, { ...init, headers });
};

const jam = new JamClient({ sessionUrl: `${base}/.well-known/jmap`, bearerToken: credentials });
const accountId = await jam.getPrimaryAccount();

if (mode === "read") {
  const [mailboxes] = await jam.api.Mailbox.get({ accountId });
  const inbox = mailboxes.list.find((m) => m.role === "inbox");
  const [{ emails }] = await jam.requestMany((t) => {
    const query = t.Email.query({ accountId, filter: { inMailbox: inbox.id }, sort: [{ property: "receivedAt" }] });
    const emails = t.Email.get({
      accountId,
      ids: query.$ref("/ids"),
      properties: ["id", "subject", "from", "keywords", "preview"],
    });
    return { query, emails };
  });
  const first = emails.list[0];
  const [set] = await jam.api.Email.set({ accountId, update: { [first.id]: { "keywords/$seen": true } } });
  console.log(JSON.stringify({
    accountId,
    inboxTotal: inbox.totalEmails,
    subjects: emails.list.map((e) => e.subject),
    from: first.from[0].email,
    preview: first.preview,
    id: first.id,
    updated: Object.keys(set.updated ?? {}),
    state: set.newState,
  }));
} else if (mode === "send") {
  // a draft in Drafts, then EmailSubmission/set: on success it moves to Sent and loses $draft
  const to = since;
  const [identities] = await jam.api.Identity.get({ accountId });
  const identity = identities.list.find((i) => i.email === user);
  const [mailboxes] = await jam.api.Mailbox.get({ accountId });
  const drafts = mailboxes.list.find((m) => m.role === "drafts");
  const sent = mailboxes.list.find((m) => m.role === "sent");
  const [created] = await jam.api.Email.set({
    accountId,
    create: {
      draft: {
        mailboxIds: { [drafts.id]: true },
        keywords: { $draft: true, $seen: true },
        from: [{ name: "Jam Client", email: user }],
        to: [{ email: to }],
        subject,
        bodyValues: { body: { value: "Sent with jmap-jam.\n" } },
        textBody: [{ partId: "body", type: "text/plain" }],
      },
    },
  });
  const emailId = created.created.draft.id;
  const [submitted] = await jam.api.EmailSubmission.set({
    accountId,
    create: { send: { identityId: identity.id, emailId } },
    onSuccessUpdateEmail: { "#send": { [`mailboxIds/${drafts.id}`]: null, [`mailboxIds/${sent.id}`]: true, "keywords/$draft": null } },
  });
  const [inSent] = await jam.api.Email.query({ accountId, filter: { inMailbox: sent.id } });
  const [got] = await jam.api.Email.get({ accountId, ids: inSent.ids, properties: ["subject", "keywords"] });
  console.log(JSON.stringify({
    identity: identity.email,
    submission: submitted.created.send.undoStatus,
    sentSubjects: got.list.map((e) => e.subject),
    sentKeywords: got.list.map((e) => Object.keys(e.keywords).sort()),
  }));
} else {
  const [changes] = await jam.api.Email.changes({ accountId, sinceState: since });
  const [got] = await jam.api.Email.get({ accountId, ids: changes.updated, properties: ["keywords"] });
  console.log(JSON.stringify({ updated: changes.updated, keywords: got.list.map((e) => Object.keys(e.keywords).sort()) }));
}
