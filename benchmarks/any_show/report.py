"""The figures as tables for people."""

from __future__ import annotations

from .measure import NEVER, FeedResult, QueryResult, kind_figures


def kind_rows(queries: list[QueryResult]) -> list[str]:
    rows = [f"  {'kind':<14} {'n':>4} {'top-1':>7} {'MRR':>7}"]
    for kind, figures in kind_figures(queries).items():
        if kind == NEVER:
            rows.append(
                f"  {kind:<14} {figures['n']:>4}   refused {figures['refused']}/{figures['n']}"
                f" (topic refused {figures['topic_refused']}/{figures['n']})"
            )
        else:
            rows.append(f"  {kind:<14} {figures['n']:>4} {figures['top1']:>7.3f} {figures['mrr']:>7.3f}")
    known = [q for q in queries if q.kind != NEVER]
    if known:
        top1 = sum(q.top1 for q in known) / len(known)
        mrr = sum(q.reciprocal_rank for q in known) / len(known)
        rows.append(f"  {'all known':<14} {len(known):>4} {top1:>7.3f} {mrr:>7.3f}")
    return rows


def feed_text(result: FeedResult) -> str:
    weak = [r for r in result.reasons if r[2]]
    lines = [f"== {result.name} ({result.language}, {result.episodes} episodes)", *kind_rows(result.queries)]
    lines.append(
        f"  topics: {result.topics} total, {result.worth_browsing} worth browsing, "
        f"{len(result.show_wide)} show-wide {result.show_wide[:8]}, "
        f"{len(result.miscounted)} counted unlike topic NAME {result.miscounted[:3]}, "
        f"{len(result.sponsors)} sponsors {result.sponsors[:8]}"
    )
    share = len(weak) / len(result.reasons) if result.reasons else 0.0
    lines.append(f"  related reasons: {len(result.reasons)}, weak {len(weak)} ({share:.0%})")
    lines.extend(f"    weak: {reason!r} (for {title[:50]!r})" for title, reason, _ in weak[:6])
    misses = [
        q for q in result.queries if (q.kind == NEVER) != (q.got == "(refused)") or (q.kind != NEVER and not q.top1)
    ]
    lines.extend(f"    miss [{q.kind}] {q.query!r} -> {q.got[:60]!r} (rank {q.rank})" for q in misses)
    return "\n".join(lines)


def overall_text(results: list[FeedResult]) -> str:
    queries = [q for r in results for q in r.queries]
    reasons = [reason for r in results for reason in r.reasons]
    weak = sum(w for *_, w in reasons)
    lines = [f"== overall ({len(results)} feeds, {len(queries)} queries)", *kind_rows(queries)]
    lines.append(
        f"  topics: {sum(r.topics for r in results)} total, {sum(r.worth_browsing for r in results)} worth browsing, "
        f"{sum(len(r.show_wide) for r in results)} show-wide, "
        f"{sum(len(r.miscounted) for r in results)} counted unlike topic NAME, "
        f"{sum(len(r.sponsors) for r in results)} sponsors"
    )
    share = weak / len(reasons) if reasons else 0.0
    lines.append(f"  related reasons: {len(reasons)}, weak {weak} ({share:.0%})")
    return "\n".join(lines)
