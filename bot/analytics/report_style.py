"""The report's stylesheet and the definitions section (static text)."""

CSS = """
body{font-family:"Segoe UI",Helvetica,Arial,sans-serif;color:#1d2733;margin:0 auto;
max-width:980px;padding:24px;line-height:1.45}
header{border-bottom:3px solid #0b5cad;margin-bottom:18px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;border-bottom:1px solid #d5dbe3;
padding-bottom:4px;margin-top:32px}.sub{color:#55606e;margin:0 0 10px}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #d5dbe3;border-radius:6px;
padding:10px 12px;min-width:170px;flex:1}.label{color:#55606e;font-size:13px}
.value{font-size:22px;font-weight:600}.delta{font-size:13px}.muted{color:#7a8593}
table{border-collapse:collapse;width:100%;margin:12px 0;font-size:14px}
th,td{border-bottom:1px solid #e3e7ec;padding:5px 8px;text-align:left}
th{background:#f3f6f9}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.empty{color:#7a8593;text-align:center}svg{display:block;margin:14px 0;max-width:100%}
.recs li{margin-bottom:12px}.recs p{margin:3px 0}.tag{font-size:12px;padding:1px 6px;
border-radius:3px;background:#e8eef5}.p1 .tag{background:#fbe3e0}.p2 .tag{background:#fdf0dc}
code{background:#f3f6f9;padding:1px 4px}
"""

DEFINITIONS = """
<ul>
<li><strong>Conversation</strong>: one Rasa session (a <code>session_started</code> event);
sessions expire after 60 minutes of silence.</li>
<li><strong>Customer</strong>: the verified account behind a conversation; a conversation whose
customer never verified counts as its own customer.</li>
<li><strong>Task started</strong>: the task's form was activated. <strong>Completed</strong>: the
assistant asked for a rating after it (slot <code>last_task</code> set); a handoff is completed
when its ticket is created. <strong>Abandoned</strong>: started but not completed (stopped,
switched, handed over, or the customer left).</li>
<li><strong>Containment</strong>: conversations with a task in which a task was completed and no
person was asked for, out of all conversations with a task.</li>
<li><strong>Handoff rate</strong>: conversations in which the handoff form started, out of all
conversations. The reason is what the assistant said just before.</li>
<li><strong>Not understood</strong>: customer messages classified <code>nlu_fallback</code> plus
dialogue fallbacks (<code>action_default_fallback</code>), out of all customer messages.</li>
<li><strong>Response time</strong>: from a customer message to the assistant's next message, as
recorded by Rasa.</li>
<li><strong>Pilot (allow-list) / percentage rollout / not verified</strong>: by the customer's
pilot flag in the backend of record, which is the rollout's allow-list. A verified customer
off the allow-list can only have been served through the percentage rollout (stable hash of
the account number), so that cohort is the percentage-rollout group.</li>
<li><strong>Refused</strong>: identity verifications (or sessions) the controlled rollout turned
away, counted by the backend per channel and day.</li>
</ul>
<p>See docs/monitoring.md for the full definitions and the recommendation thresholds.</p>
"""
