"""Social sources of bo_social: Twitter API v2 recent-search pages (twarc JSONL) and
Facebook Graph API page-feed pages with comments.

Mentions of the brand and comments on its page arrive as Poisson streams (more in the
evening, and several times more during an outage, about the outage's area). The team
answers in the line's business hours; how fast depends on the author's influence tier
(contract `influence_tiers`, from followers and engagement), so most replies meet the
tier's `first_response_target_minutes` and some never come. On a holiday, when the line
is closed, the on-call duty answers a share of the posts (and of the cases escalated from
them) that same day (bizcal.BusinessCalendar.on_call): spans with no business time at all.
Insults and spam on the page are hidden, not answered. A share of the answered complaints is escalated to the CRM:
the case's origin_call_id is `twitter:<tweet id>` or `facebook:<comment id>`.
"""

from __future__ import annotations

import base64
import json
import math
from bisect import bisect_right
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from .crm import Case, finish_case, lognormal_hours
from .customers import ascii_fold
from .demand import BIN_S, BINS
from .outages import AREAS
from .texts import (
    FOLLOW_UPS,
    HIDDEN_COMMENTS,
    MENTION_TOPICS,
    OUTAGE_POST,
    OUTAGE_TEMPLATES,
    PAGE_POSTS,
    REPLIES,
    RESTORED_POST,
    barrio,
    services_text,
)

TWITTER_DAILY, FACEBOOK_DAILY = 32.0, 18.0  # mentions / comments a day (x positions_scale)
SOCIAL_HOURLY = (
    0.25, 0.15, 0.08, 0.05, 0.04, 0.05, 0.12, 0.30, 0.55, 0.75, 0.85, 0.85,
    0.80, 0.80, 0.75, 0.75, 0.75, 0.80, 0.85, 0.95, 1.00, 1.00, 0.85, 0.55,
)
SOCIAL_WEEKDAY = (1.10, 1.05, 1.0, 1.0, 0.95, 0.85, 0.85)
OUTAGE_WEIGHT = {"twitter": 0.8, "facebook": 0.6}
OUTAGE_TAIL_S = 2 * 3600
UNANSWERED = {"complaint": 0.08, "outage": 0.15, "consulta": 0.10, "elogio": 0.30}
RESPONSE_Z, RESPONSE_SIGMA = 1.5, 0.9  # P(first response within the tier's target) ~ 93 %
OUTAGE_SLOWDOWN = 2.5
DEFAULT_TARGETS = {"alto": 30.0, "medio": 60.0, "bajo": 120.0}
FOLLOW_UP_SHARE, FOLLOW_UP_ANSWERED = 0.15, 0.6
ESCALATION_SHARE = 0.35
HIDDEN_SHARE = 0.04
CASE_FIRST_RESPONSE_H, CASE_RESOLUTION_H = 0.4, 8.0  # medians, business hours
TWITTER_EPOCH_MS = 1288834974657
PAGE_SIZE = 100
TWARC_VERSION = "2.14.0"
GRAPH_VERSION = "v19.0"
SOURCES = ("Twitter for Android", "Twitter for iPhone", "Twitter Web App")


def _snowflake(t: float, extra_ms: int, worker: int, seq: int) -> int:
    ms = int(t) * 1000 + extra_ms
    return ((ms - TWITTER_EPOCH_MS) << 22) | ((worker & 0x3FF) << 12) | (seq & 0xFFF)


def _iso_z(t: float) -> str:
    return datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _fb_time(t: float) -> str:
    return datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _token(rng, n: int = 40) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(alphabet[i] for i in rng.integers(0, len(alphabet), size=n).tolist())


def influence_tier(followers: int, engagement: int, tiers: dict, fallback: str) -> str:
    for name, limits in tiers.items():
        if followers >= limits.get("min_followers", math.inf) or engagement >= limits.get("min_engagement", math.inf):
            return name
    return fallback


class SocialDesk:
    """Both platforms of bo_social, the replies of its agents and the escalated cases."""

    def __init__(self, line, cal, agents: list[str], customers, tz, scale: float, seed: int, cases):
        self.line, self.cal, self.customers, self.tz, self.scale = line, cal, customers, tz, scale
        self.agents = agents
        self.initials = ["".join(ascii_fold(p)[0] for p in a.split()) for a in agents]
        self.cases = cases  # crm.CaseExport
        accounts = line.social_accounts or {}
        self.handle = (accounts.get("twitter") or ["TelecentroAR"])[0]
        self.page_name = (accounts.get("facebook") or ["Telecentro"])[0]
        self.tiers = line.influence_tiers or {}
        self.targets = line.first_response_target_minutes or DEFAULT_TARGETS
        rest = [t for t in self.targets if t not in self.tiers]
        self.fallback = rest[0] if rest else "bajo"
        rng = np.random.default_rng([seed, 41])
        # the on-call draws have their own stream, so everything else is drawn as before
        self.on_call_rng = np.random.default_rng([seed, 41, 1])
        self.brand_id = str(int(rng.integers(100_000_000, 300_000_000)))
        self.page_id = str(int(rng.integers(100_000_000_000_000, 999_999_999_999_999)))
        self._users(rng)
        self.tweets: list[dict] = []  # every tweet (mentions and brand replies), creation order
        self.tweet_by_id: dict[str, dict] = {}
        self.posts: list[dict] = []  # page posts; comments inside
        self._post_times: list[float] = []
        self.seq = 0
        self.stats = defaultdict(int)

    # --- people ------------------------------------------------------------------------
    def _users(self, rng) -> None:
        cu = self.customers
        n = max(500, int(6000 * self.scale))
        self.tw_customer = rng.integers(cu.size, size=n).tolist()
        followers = np.exp(rng.normal(math.log(120), 1.5, size=n))
        stars = rng.random(n) < 0.03  # influencers, journalists, media: a Pareto tail from 5,000 up
        tail = 5000 * (1 + rng.pareto(0.8, size=n))
        tail = np.where(tail > 2e6, rng.uniform(3e5, 2e6, size=n), tail)  # no Bieber among the customers
        followers = np.where(stars, tail, followers)
        self.tw_followers = followers.astype(np.int64).tolist()
        self.tw_following = np.exp(rng.normal(math.log(300), 1.0, size=n)).astype(np.int64).tolist()
        self.tw_count = np.exp(rng.normal(math.log(2500), 1.4, size=n)).astype(np.int64).tolist()
        years = rng.integers(2009, 2026, size=n).tolist()
        created = [datetime(y, 1, 1, tzinfo=UTC).timestamp() + float(rng.uniform(0, 364 * 86400)) for y in years]
        self.tw_created = created
        taken: set[str] = set()
        self.tw_username, self.tw_name, self.tw_id = [], [], []
        style = rng.integers(0, 5, size=n).tolist()
        digits = rng.integers(1, 9999, size=n).tolist()
        for i in range(n):
            c = self.tw_customer[i]
            first = ascii_fold(cu.first_name(c))
            last = ascii_fold(cu.surname(c)).replace(" ", "")
            base = (f"{first}{last}", f"{first}_{last[:1]}", f"{last}{first[:1]}", f"{first.lower()}{digits[i] % 100:02d}",
                    f"{first[:3]}{last}")[style[i]][:11]
            user = base + str(digits[i])
            while user in taken:
                user = base + str(int(rng.integers(0, 9999)))
            taken.add(user)
            self.tw_username.append(user)
            self.tw_name.append(cu.name(c) if style[i] != 3 else f"{cu.first_name(c)} {cu.surname(c)[0]}.")
            if created[i] < 1356998400:  # accounts before 2013 have short ids
                self.tw_id.append(str(int(rng.integers(10_000_000, 1_100_000_000))))
            else:
                self.tw_id.append(str(_snowflake(created[i], 0, int(rng.integers(1024)), i)))
        m = max(400, int(4000 * self.scale))
        self.fb_customer = rng.integers(cu.size, size=m).tolist()
        self.fb_id = [str(x) for x in rng.integers(10**15, 10**16, size=m).tolist()]

    def _twitter_user(self, i: int) -> dict:
        return {
            "id": self.tw_id[i], "name": self.tw_name[i], "username": self.tw_username[i],
            "created_at": _iso_z(self.tw_created[i]), "protected": False, "verified": False,
            "location": "Buenos Aires, Argentina" if i % 3 else "",
            "public_metrics": {"followers_count": self.tw_followers[i], "following_count": self.tw_following[i],
                               "tweet_count": self.tw_count[i], "listed_count": self.tw_followers[i] // 250},
        }

    def _brand_user(self) -> dict:
        return {
            "id": self.brand_id, "name": "Telecentro", "username": self.handle,
            "created_at": "2010-03-15T14:22:05.000Z", "protected": False, "verified": True,
            "location": "Buenos Aires, Argentina",
            "public_metrics": {"followers_count": 86412, "following_count": 312, "tweet_count": 48751,
                               "listed_count": 204},
        }

    # --- shared --------------------------------------------------------------------------
    def _arrivals(self, platform: str, day, day_start: int, todays, rng) -> list[tuple[float, object]]:
        daily = (TWITTER_DAILY if platform == "twitter" else FACEBOOK_DAILY) * self.scale
        hourly = np.repeat(np.asarray(SOCIAL_HOURLY), BINS // 24)
        rates = hourly / hourly.sum() * daily * SOCIAL_WEEKDAY[day.weekday()]
        centres = day_start + (np.arange(BINS) + 0.5) * BIN_S
        mult = np.ones(BINS)
        for o in todays:
            window = (centres >= o.start) & (centres < o.end + OUTAGE_TAIL_S)
            mult[window] *= 1.0 + (max(o.multipliers) - 1.0) * OUTAGE_WEIGHT[platform]
        counts = rng.poisson(rates * mult)
        bins = np.repeat(np.arange(BINS), counts)
        times = np.sort(day_start + (bins + rng.random(bins.size)) * BIN_S).tolist()
        out = []
        for t in times:
            outage = None
            for o in todays:
                if o.start <= t < o.end + OUTAGE_TAIL_S:
                    m = 1.0 + (max(o.multipliers) - 1.0) * OUTAGE_WEIGHT[platform]
                    if rng.random() < (m - 1.0) / m:
                        outage = o
                    break
            out.append((t, outage))
        return out

    def _topic(self, outage, rng) -> tuple[str, str, bool, str]:
        """(kind, motive, escalates, template) of a new post."""
        if outage is not None:
            return "outage", "sin_senal", True, OUTAGE_TEMPLATES[int(rng.integers(len(OUTAGE_TEMPLATES)))]
        names = list(MENTION_TOPICS)
        weights = np.array([MENTION_TOPICS[k][0] for k in names])
        k = names[int(rng.choice(len(names), p=weights / weights.sum()))]
        _, motive, esc, templates = MENTION_TOPICS[k]
        kind = k if k in ("consulta", "elogio") else "complaint"
        return kind, motive, esc, templates[int(rng.integers(len(templates)))]

    def _fill(self, template: str, brand: str | None, area: str, t: float, rng) -> str:
        """brand None: a comment on the page, which names the brand only inside a sentence."""
        hour = datetime.fromtimestamp(t - rng.uniform(600, 5 * 3600), self.tz).strftime("%H:%M")
        if brand is None:
            if template.startswith("{brand} "):
                template = template[len("{brand} "):]
            brand = self.page_name
        text = template.format(brand=brand, barrio=barrio(area), hora=hour, n=int(rng.integers(2, 41)))
        return text[0].upper() + text[1:]

    def _response_at(self, t: float, tier: str, outage, rng) -> float:
        target = self.targets.get(tier, 120.0)
        median = target / math.exp(RESPONSE_Z * RESPONSE_SIGMA)
        minutes = median * math.exp(RESPONSE_SIGMA * rng.standard_normal())
        if outage is not None:
            minutes *= OUTAGE_SLOWDOWN
        seconds = max(0.5, minutes) * 60
        on_call = self.cal.on_call(t, seconds, self.on_call_rng.random())
        return on_call if on_call is not None else self.cal.add(t, seconds)

    def _reply_text(self, kind: str, first: str, area: str, agent: int, rng) -> str:
        options = REPLIES["outage" if kind == "outage" else kind if kind in REPLIES else "complaint"]
        text = options[int(rng.integers(len(options)))].format(first=first, barrio=barrio(area))
        return f"{text} ^{self.initials[agent]}"

    def _escalate(self, origin: str, customer: int, motive: str, replied: float, agent: int, rng) -> None:
        cal = self.cal
        created = replied + rng.uniform(5, 40) * 60
        case = Case(self.line.code, self.line.crm_queues[0] if self.line.crm_queues else self.line.code,
                    motive, "social", created, customer, self.agents[agent])
        case.origin = origin
        fr_s = lognormal_hours(rng, CASE_FIRST_RESPONSE_H, 0.8) * 3600
        res_s = max(lognormal_hours(rng, CASE_RESOLUTION_H, 0.9), CASE_FIRST_RESPONSE_H) * 3600
        u = self.on_call_rng.random()
        case.first_response = cal.on_call(created, fr_s, u) or cal.add(created, fr_s)
        res = cal.on_call(created, res_s, u) or cal.add(created, res_s)
        res = max(res, case.first_response + 60)
        finish_case(case, res, rng, lambda back: cal.add(back, lognormal_hours(rng, 4.0, 0.9) * 3600))
        self.cases.add(case)
        self.stats["escalated"] += 1

    # --- Twitter -------------------------------------------------------------------------
    def _new_tweet(self, t: float, author_id: str, text: str, rng, reply_to: dict | None = None,
                   mention: tuple[str, str] | None = None, metrics=(0, 0, 0, 0)) -> dict:
        while True:
            self.seq += 1
            tid = str(_snowflake(t, int(rng.integers(0, 1000)), int(rng.integers(1024)), self.seq))
            if tid not in self.tweet_by_id:
                break
        tw = {"id": tid, "text": text, "author_id": author_id, "created_at": _iso_z(t),
              "conversation_id": reply_to["conversation_id"] if reply_to else tid}
        if reply_to is not None:
            tw["in_reply_to_user_id"] = reply_to["author_id"]
            tw["referenced_tweets"] = [{"type": "replied_to", "id": reply_to["id"]}]
        if mention is not None:
            username, uid = mention
            at = "@" + username
            start = text.find(at)
            if start >= 0:
                tw["entities"] = {"mentions": [{"start": start, "end": start + len(at), "username": username,
                                                "id": uid}]}
        rt, rc, lk, qc = metrics
        tw["public_metrics"] = {"retweet_count": rt, "reply_count": rc, "like_count": lk, "quote_count": qc}
        tw["lang"] = "es"
        tw["reply_settings"] = "everyone"
        tw["source"] = SOURCES[int(rng.integers(len(SOURCES)))] if author_id != self.brand_id else "Sprinklr"
        tw["edit_history_tweet_ids"] = [tid]
        tw["_t"] = t
        self.tweets.append(tw)
        self.tweet_by_id[tid] = tw
        return tw

    def twitter_day(self, day, day_start: int, todays, rng) -> int:
        cu, brand = self.customers, "@" + self.handle
        n = 0
        for t, outage in self._arrivals("twitter", day, day_start, todays, rng):
            u = int(rng.integers(len(self.tw_id)))
            kind, motive, escalates, template = self._topic(outage, rng)
            area = outage.area if outage is not None else self._random_area(rng)
            text = self._fill(template, brand, area, t, rng)
            followers = self.tw_followers[u]
            base = (followers ** 0.55) * 0.03 * math.exp(rng.normal(0, 1.0))
            if outage is not None:
                base *= 3
            likes = int(rng.poisson(base))
            rts = int(rng.poisson(base * 0.25))
            quotes = int(rng.poisson(base * 0.03))
            answered = rng.random() >= UNANSWERED[kind]
            others = int(rng.poisson(0.2 + base * 0.05))
            mention = self._new_tweet(t, self.tw_id[u], text, rng, mention=(self.handle, self.brand_id),
                                      metrics=(rts, others + int(answered), likes, quotes))
            self.stats["mentions"] += 1
            n += 1
            if not answered:
                self.stats["unanswered"] += 1
                continue
            tier = influence_tier(followers, likes + rts + others, self.tiers, self.fallback)
            agent = int(rng.integers(len(self.agents)))
            reply_t = self._response_at(t, tier, outage, rng)
            first = cu.first_name(self.tw_customer[u])
            reply = self._new_tweet(
                reply_t, self.brand_id, f"@{self.tw_username[u]} {self._reply_text(kind, first, area, agent, rng)}",
                rng, reply_to=mention, mention=(self.tw_username[u], self.tw_id[u]),
                metrics=(0, 0, int(rng.poisson(0.4)), 0))
            self.stats["replies"] += 1
            if escalates and rng.random() < ESCALATION_SHARE:
                self._escalate(f"twitter:{mention['id']}", self.tw_customer[u], motive, reply_t, agent, rng)
            if rng.random() < FOLLOW_UP_SHARE:
                fu_t = reply_t + rng.uniform(3, 90) * 60
                fu_text = FOLLOW_UPS[int(rng.integers(len(FOLLOW_UPS)))].format(brand=brand)
                fu_answered = rng.random() < FOLLOW_UP_ANSWERED
                fu = self._new_tweet(fu_t, self.tw_id[u], fu_text, rng, reply_to=reply,
                                     mention=(self.handle, self.brand_id), metrics=(0, int(fu_answered), 0, 0))
                reply["public_metrics"]["reply_count"] = 1
                self.stats["mentions"] += 1
                self.stats["follow_ups"] += 1
                if fu_answered:
                    fr_t = self._response_at(fu_t, tier, outage, rng)
                    self._new_tweet(
                        fr_t, self.brand_id,
                        f"@{self.tw_username[u]} {self._reply_text('consulta', first, area, agent, rng)}",
                        rng, reply_to=fu, mention=(self.tw_username[u], self.tw_id[u]))
                    self.stats["replies"] += 1
                else:
                    self.stats["unanswered"] += 1
        return n

    def _random_area(self, rng) -> str:
        return AREAS[int(rng.integers(len(AREAS)))]

    def write_twitter(self, folder: Path, days, day_starts, snapshot: float, seed: int) -> tuple[list[str], dict]:
        """social/twitter/search-YYYYMMDD.jsonl: the day's search pages, newest first."""
        folder.mkdir(parents=True, exist_ok=True)
        user_index = {uid: i for i, uid in enumerate(self.tw_id)}
        by_day: dict[int, list[dict]] = defaultdict(list)
        for tw in self.tweets:
            if tw["_t"] <= snapshot:
                d = int(np.searchsorted(day_starts, tw["_t"], side="right")) - 1
                if 0 <= d < len(days):
                    by_day[d].append(tw)
        query = f"@{self.handle} OR from:{self.handle}"
        names, pages = [], 0
        for d, day in enumerate(days):
            rng = np.random.default_rng([seed, 43, day.toordinal()])
            tweets = sorted(by_day.get(d, []), key=lambda tw: int(tw["id"]), reverse=True)
            chunks = [tweets[i:i + PAGE_SIZE] for i in range(0, len(tweets), PAGE_SIZE)] or [[]]
            start = datetime.fromtimestamp(day_starts[d], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            end = datetime.fromtimestamp(day_starts[d + 1], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            url = ("https://api.twitter.com/2/tweets/search/recent?expansions=author_id%2Cin_reply_to_user_id"
                   "%2Creferenced_tweets.id&user.fields=created_at%2Cid%2Clocation%2Cname%2Cprotected%2C"
                   "public_metrics%2Cusername%2Cverified&tweet.fields=author_id%2Cconversation_id%2Ccreated_at"
                   "%2Centities%2Cid%2Cin_reply_to_user_id%2Clang%2Cpublic_metrics%2Creferenced_tweets%2C"
                   "reply_settings%2Csource%2Ctext&max_results=100&query="
                   + query.replace("@", "%40").replace(" ", "%20").replace(":", "%3A")
                   + f"&start_time={start}&end_time={end}")
            retrieved = datetime.fromtimestamp(day_starts[d + 1] + 3 * 3600 + 17, UTC).isoformat()
            lines = []
            for p, chunk in enumerate(chunks):
                page: dict = {}
                if chunk:
                    page["data"] = [{k: v for k, v in tw.items() if k != "_t"} for tw in chunk]
                    users, seen = [], set()
                    refs = []
                    for tw in chunk:
                        for uid in (tw["author_id"], tw.get("in_reply_to_user_id")):
                            if uid and uid not in seen:
                                seen.add(uid)
                                users.append(self._brand_user() if uid == self.brand_id
                                             else self._twitter_user(user_index[uid]))
                        for ref in tw.get("referenced_tweets", ()):
                            parent = self.tweet_by_id[ref["id"]]
                            refs.append({k: v for k, v in parent.items() if k != "_t"})
                    page["includes"] = {"users": users}
                    if refs:
                        page["includes"]["tweets"] = refs
                    meta = {"newest_id": chunk[0]["id"], "oldest_id": chunk[-1]["id"], "result_count": len(chunk)}
                else:
                    meta = {"result_count": 0}
                if p + 1 < len(chunks):
                    meta["next_token"] = _token(rng)
                page["meta"] = meta
                page["__twarc"] = {"url": url, "version": TWARC_VERSION, "retrieved_at": retrieved}
                lines.append(json.dumps(page, ensure_ascii=False))
                pages += 1
            path = folder / f"search-{day:%Y%m%d}.jsonl"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            names.append(path.name)
        kept = sum(len(v) for v in by_day.values())
        return names, {"tweets": kept, "mentions": self.stats["mentions"], "replies": self.stats["replies"],
                       "unanswered": self.stats["unanswered"], "follow_ups": self.stats["follow_ups"],
                       "pages": pages, "files": len(names)}

    # --- Facebook ------------------------------------------------------------------------
    def _fb_id(self, t: float) -> str:
        self.seq += 1
        return str(100_000_000_000_000 + int(t - 1_600_000_000) * 1000 + self.seq % 1000)

    def _post(self, t: float, message: str) -> None:
        obj = self._fb_id(t)
        i = bisect_right(self._post_times, t)  # kept in time order
        self.posts.insert(i, {"id": f"{self.page_id}_{obj}", "created_time": _fb_time(t), "message": message,
                              "_t": t, "_obj": obj, "_comments": []})
        self._post_times.insert(i, t)

    def facebook_day(self, day, day_start: int, todays, rng) -> int:
        cu = self.customers
        # the page's own posts: one or two a day, plus the outage notice and the all-clear
        plan = [(day_start + rng.uniform(10, 19) * 3600, PAGE_POSTS[int(rng.integers(len(PAGE_POSTS)))])]
        if rng.random() < 0.4:
            plan.append((day_start + rng.uniform(10, 20) * 3600, PAGE_POSTS[int(rng.integers(len(PAGE_POSTS)))]))
        for o in todays:
            if day_start <= o.start < day_start + 86400:
                fmt = {"services": services_text(o.services), "barrio": barrio(o.area)}
                plan.append((o.start + rng.uniform(15, 45) * 60, OUTAGE_POST.format(**fmt)))
                plan.append((o.end + rng.uniform(10, 40) * 60, RESTORED_POST.format(**fmt)))
        arrivals = self._arrivals("facebook", day, day_start, todays, rng)
        events = sorted([(t, 0, msg) for t, msg in plan] + [(t, 1, o) for t, o in arrivals], key=lambda e: e[:2])
        n = 0
        for t, kind_flag, payload in events:
            if kind_flag == 0:
                self._post(t, payload)
                continue
            latest = bisect_right(self._post_times, t) - 1
            if latest < 0:
                continue  # nothing to comment on yet
            outage = payload
            post = self.posts[latest]  # people comment on the page's latest post
            u = int(rng.integers(len(self.fb_id)))
            c = self.fb_customer[u]
            comment_obj = self._fb_id(t)
            cid = f"{post['_obj']}_{comment_obj}"
            hidden = outage is None and rng.random() < HIDDEN_SHARE
            if hidden:
                kind, motive, escalates = "hidden", "", False
                message = HIDDEN_COMMENTS[int(rng.integers(len(HIDDEN_COMMENTS)))]
            else:
                kind, motive, escalates, template = self._topic(outage, rng)
                message = self._fill(template, None, outage.area if outage else self._random_area(rng), t, rng)
            likes = int(rng.poisson(0.6 + (4.0 if outage is not None else 0.0)) * math.exp(rng.normal(0, 0.8)))
            comment = {"id": cid, "from": {"id": self.fb_id[u], "name": cu.name(c)}, "created_time": _fb_time(t),
                       "message": message, "like_count": likes, "comment_count": 0, "is_hidden": hidden,
                       "_t": t, "_replies": []}
            post["_comments"].append(comment)
            self.stats["comments"] += 1
            n += 1
            if hidden:
                self.stats["hidden"] += 1
                continue
            if rng.random() < UNANSWERED[kind]:
                self.stats["fb_unanswered"] += 1
                continue
            tier = influence_tier(0, likes, self.tiers, self.fallback)
            agent = int(rng.integers(len(self.agents)))
            reply_t = self._response_at(t, tier, outage, rng)
            area = outage.area if outage is not None else self._random_area(rng)
            text = self._reply_text(kind, cu.first_name(c), area, agent, rng)
            comment["_replies"].append({"id": f"{post['_obj']}_{self._fb_id(reply_t)}",
                                        "from": {"id": self.page_id, "name": self.page_name},
                                        "created_time": _fb_time(reply_t), "message": text,
                                        "like_count": int(rng.poisson(0.3)), "comment_count": 0,
                                        "is_hidden": False, "parent": {"id": cid}, "_t": reply_t})
            self.stats["fb_replies"] += 1
            if escalates and rng.random() < ESCALATION_SHARE:
                self._escalate(f"facebook:{cid}", c, motive, reply_t, agent, rng)
            if rng.random() < FOLLOW_UP_SHARE:
                fu_t = reply_t + rng.uniform(3, 120) * 60
                fu_text = self._fill(FOLLOW_UPS[int(rng.integers(len(FOLLOW_UPS)))], None, "", fu_t, rng)
                comment["_replies"].append({"id": f"{post['_obj']}_{self._fb_id(fu_t)}",
                                            "from": {"id": self.fb_id[u], "name": cu.name(c)},
                                            "created_time": _fb_time(fu_t), "message": fu_text,
                                            "like_count": 0, "comment_count": 0, "is_hidden": False,
                                            "parent": {"id": cid}, "_t": fu_t})
        return n

    def write_facebook(self, folder: Path, days, day_starts, snapshot: float, seed: int) -> tuple[list[str], dict]:
        """social/facebook/feed-YYYYMMDD.json: the page's posts of that day with their comments."""
        folder.mkdir(parents=True, exist_ok=True)
        by_day: dict[int, list[dict]] = defaultdict(list)
        for post in self.posts:
            if post["_t"] <= snapshot:
                d = int(np.searchsorted(day_starts, post["_t"], side="right")) - 1
                if 0 <= d < len(days):
                    by_day[d].append(post)
        names = []
        n_comments = n_replies = 0
        base = f"https://graph.facebook.com/{GRAPH_VERSION}/{self.page_id}/feed"
        fields = ("fields=id%2Ccreated_time%2Cmessage%2Ccomments.limit(500).summary(true)%7Bid%2Cfrom%2Ccreated_time"
                  "%2Cmessage%2Clike_count%2Ccomment_count%2Cis_hidden%2Ccomments%7Bid%2Cfrom%2Ccreated_time"
                  "%2Cmessage%2Clike_count%2Ccomment_count%2Cis_hidden%2Cparent%7D%7D&limit=25")
        for d, day in enumerate(days):
            posts = sorted(by_day.get(d, []), key=lambda p: p["_t"], reverse=True)
            data = []
            for post in posts:
                item = {"id": post["id"], "created_time": post["created_time"], "message": post["message"]}
                comments = []
                for cm in post["_comments"]:
                    if cm["_t"] > snapshot:
                        continue
                    replies = [{k: v for k, v in r.items() if k != "_t"} for r in cm["_replies"] if r["_t"] <= snapshot]
                    out = {k: v for k, v in cm.items() if not k.startswith("_")}
                    out["comment_count"] = len(replies)
                    if replies:
                        out["comments"] = {"data": replies, "paging": {"cursors": {
                            "before": _cursor(replies[0]["id"]), "after": _cursor(replies[-1]["id"])}}}
                    comments.append(out)
                    n_replies += len(replies)
                n_comments += len(comments)
                if comments:
                    item["comments"] = {
                        "data": comments,
                        "paging": {"cursors": {"before": _cursor(comments[0]["id"]), "after": _cursor(comments[-1]["id"])}},
                        "summary": {"order": "chronological", "total_count": len(comments), "can_comment": True},
                    }
                data.append(item)
            page: dict = {"data": data}
            if data:
                paging: dict = {"cursors": {"before": _cursor(data[0]["id"]), "after": _cursor(data[-1]["id"])}}
                if d > 0:
                    until = int(posts[-1]["_t"])
                    paging["next"] = f"{base}?access_token=access_token&{fields}&until={until}&__paging_token={_cursor(data[-1]['id'])}"
                page["paging"] = paging
            path = folder / f"feed-{day:%Y%m%d}.json"
            path.write_text(json.dumps(page, ensure_ascii=False) + "\n", encoding="utf-8")
            names.append(path.name)
        return names, {"posts": sum(len(v) for v in by_day.values()), "comments": n_comments,
                       "replies": n_replies, "hidden": self.stats["hidden"], "files": len(names)}


def _cursor(object_id: str) -> str:
    return base64.b64encode(object_id.encode()).decode().rstrip("=")
