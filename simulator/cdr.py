"""Asterisk cdr_csv rows (Master.csv) of the same PBX that writes the queue_log.

18 columns (cdr.conf [csv] loguniqueid=yes, loguserfield=yes), no header, strings in
double quotes with embedded quotes doubled, duration and billsec bare integers, times
`YYYY-MM-DD HH:MM:SS` in the PBX's local time, an unset `answer` an empty unquoted field.
Rows are appended when a call ends, so the file is in order of end time.

Inbound queue calls: one row per call, uniqueid = the queue_log callid, lastapp Queue.
The IVR answers every call before queueing it, so their disposition is ANSWERED and
billsec counts from the IVR: whether an agent took the call is in the queue_log (and in
dstchannel, set only when a member answered). Outbound dials of the satisfaccion line:
accountcode = the campaign, src = the agent's extension, dst = the customer's number,
lastapp Dial, userfield = the CRM case id (empty when dialled by hand).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from operator import itemgetter
from pathlib import Path

from .clock import LocalText
from .engine import ANSWERED

TRUNK = "trunk"
INBOUND_CONTEXT = "from-pstn"
OUTBOUND_CONTEXT = "from-internal"
AMAFLAGS = "DOCUMENTATION"


def q(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _seq_hex(uniqueid: str) -> str:
    return f"{int(uniqueid.rsplit('.', 1)[1]):08x}"


class CdrWriter:
    def __init__(self, path: Path, tz, extensions: dict[str, str]):
        self.path = path
        self.tz = tz
        self.local = LocalText(tz)
        self.extensions = extensions  # agent name -> SIP extension
        self.rows: list[tuple[int, int, str]] = []  # (end epoch, order, line) not written yet
        self.inbound = self.outbound = self.written = 0
        self._n = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(path, "wb")  # written day by day, closed by close()

    def _add(self, end: int, line: str) -> None:
        self.rows.append((end, self._n, line))
        self._n += 1

    def add_inbound(self, recs_by_line, caller_ids, member_ids, numbers) -> None:
        """One row per queue call; `numbers` are the caller numbers the queue_log shows."""
        local, ext, add = self.local, self.extensions, self.rows.append
        n = self._n
        for li, (model, recs) in enumerate(recs_by_line):
            did = q(model.traits.did)
            # constant parts of the row, quoted once (numbers, ids and times never hold quotes)
            lastdata = [
                q(f"{qn},t,,,{qt.timeout_s}" if qt.timeout_s else f"{qn},t")
                for qn, qt in zip(model.queues, model.queue_traits)
            ]
            context, no_did = q(INBOUND_CONTEXT), q("s")
            tail = f'"ANSWERED",{q(AMAFLAGS)},'
            for r, cid, muid in zip(recs, caller_ids[li], member_ids[li]):
                number = numbers[r[2]]
                start = int(r[3] - r[4])
                if r[0] == ANSWERED:
                    end = int(r[11])  # a transfer also ends this CDR; the new leg writes its own
                    dstchannel = f'"SIP/{ext.get(r[9], r[9])}-{_seq_hex(muid)}"'
                else:
                    end = int(r[8])
                    dstchannel = '""'
                dur = end - start
                st = local(start)
                if number.isdigit():
                    clid = f'"""{number}"" <{number}>"'
                elif number:
                    clid = f'"""{number.capitalize()}"" <{number}>"'
                else:
                    clid = '""'
                dst = did if r[5] else no_did
                add((end, n, (
                    f'"","{number}",{dst},{context},{clid},"SIP/{TRUNK}-{_seq_hex(cid)}",'
                    f'{dstchannel},"Queue",{lastdata[r[1]]},"{st}","{st}","{local(end)}",{dur},{dur},'
                    f'{tail}"{cid}",""\n'
                )))
                n += 1
        self.inbound += n - self._n
        self._n = n

    def add_outbound(self, attempts, ids, agents, customers) -> None:
        """attempts from outbound.Dialer.run_day (their cases numbered); ids: two channel
        ids per attempt."""
        for a, (agent_id, trunk_id) in zip(attempts, ids):
            self._add(a[2], self._outbound_line(a, agent_id, trunk_id, agents[a[4]], customers.phone(a[6])))
            self.outbound += 1

    def _outbound_line(self, a, agent_id, trunk_id, agent, number) -> str:
        start, answer, end, disposition, _, campaign, _, case, no_userfield = a
        local = self.local
        name, ext = agent
        dur = end - start
        billsec = end - answer if answer is not None else 0
        return ",".join((
            q(campaign), q(ext), q(number), q(OUTBOUND_CONTEXT), q(f'"{name}" <{ext}>'),
            q(f"SIP/{ext}-{_seq_hex(agent_id)}"),
            '""' if disposition == "FAILED" else q(f"SIP/{TRUNK}-{_seq_hex(trunk_id)}"),
            '"Dial"', q(f"SIP/{TRUNK}/{number},45,tT"),
            q(local(start)), "" if answer is None else q(local(answer)),
            q(local(end)), str(dur), str(billsec), q(disposition), q(AMAFLAGS),
            q(agent_id), '""' if no_userfield or not case.case_id else q(case.case_id),
        )) + "\n"

    def flush(self, before: float) -> None:
        """Appends the rows of calls that ended before `before`: no later day adds one."""
        rows = self.rows
        rows.sort()
        cut = bisect_left(rows, before, key=itemgetter(0))
        if cut:
            self.fh.write("".join(line for _, _, line in rows[:cut]).encode("utf-8"))
            self.written += cut
            self.rows = rows[cut:]

    def close(self) -> dict:
        self.flush(math.inf)
        self.fh.close()
        return {"rows": self.written, "inbound_rows": self.inbound, "outbound_rows": self.outbound}
