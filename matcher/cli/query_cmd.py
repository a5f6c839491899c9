"""`matcher recommend`, `matcher policies` and `matcher demo`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console

from matcher.cli.app import JsonOption, WorkspaceOption, app
from matcher.cli.errors import exit_on_user_error
from matcher.cli.render import print_recommendations, recommendations_json
from matcher.leads import leads_for_offer, leads_for_product, leads_for_tech_result
from matcher.learn.persist import load_ranker
from matcher.recommend import Recommender
from matcher.types import NEED_KIND_LABELS, Need, NeedKind
from matcher.workspace import DEFAULT_WORKSPACE, open_workspace

console = Console()
KOption = Annotated[int, typer.Option("-k", "--top", min=1, max=200, help="返回结果数")]


def _recommender(workspace, today: date | None = None) -> Recommender:
    """The workspace's recommender, with the learned ranker when enabled (else the baseline)."""
    ws = open_workspace(workspace)
    if today is not None:
        ws.settings.today = today
    return Recommender(ws, load_ranker(ws))


NeedArg = Annotated[str | None, typer.Argument(help="需求编号，如 N000001")]
TextOpt = Annotated[str | None, typer.Option("--text", help="自由文本需求")]
KindOpt = Annotated[
    NeedKind, typer.Option("--kind", help="自由文本需求的类型：tech|finance|partner")
]
EnterpriseOpt = Annotated[
    str | None,
    typer.Option("--enterprise", help="企业编号：推荐其全部需求，或作为 --text 的企业背景"),
]
TechResultOpt = Annotated[
    str | None, typer.Option("--tech-result", help="反向：某科技成果的潜在需求企业")
]
ProductOpt = Annotated[str | None, typer.Option("--product", help="反向：某金融产品的潜在客户企业")]
OfferOpt = Annotated[str | None, typer.Option("--offer", help="反向：某供给的潜在合作企业")]
ShowAllOpt = Annotated[bool, typer.Option("--all", help="同时列出不满足条件的政策及未通过的条件")]
AmountOpt = Annotated[
    float | None,
    typer.Option("--amount", min=0.01, help="融资金额（万元），优先于从 --text 中识别的金额"),
]
TermOpt = Annotated[
    int | None,
    typer.Option("--term", min=1, help="融资期限（月），优先于从 --text 中识别的期限"),
]
DateOpt = Annotated[str | None, typer.Option("--date", help="参考日期 YYYY-MM-DD（默认今天）")]


def _need_title(need: Need) -> str:
    return f"{NEED_KIND_LABELS[need.kind]} {need.id}：{need.text}"


@app.command("recommend", help="为需求、自由文本或企业的全部需求推荐；或反向查询潜在企业。")
@exit_on_user_error
def recommend(
    need_id: NeedArg = None,
    text: TextOpt = None,
    kind: KindOpt = "tech",
    enterprise: EnterpriseOpt = None,
    tech_result: TechResultOpt = None,
    product: ProductOpt = None,
    offer: OfferOpt = None,
    amount: AmountOpt = None,
    term: TermOpt = None,
    k: KOption = 10,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
) -> None:
    """Recommend for a need, free text or all needs of an enterprise; or the reverse lead lists."""
    rec = _recommender(workspace)
    sections: list[tuple[str, list]] = []
    if tech_result:
        leads = leads_for_tech_result(rec, tech_result, k)
        sections.append((f"科技成果 {tech_result} 的潜在需求企业", leads))
    elif product:
        sections.append((f"金融产品 {product} 的潜在客户", leads_for_product(rec, product, k)))
    elif offer:
        sections.append((f"供给 {offer} 的潜在合作企业", leads_for_offer(rec, offer, k)))
    elif need_id:
        need = rec.store.get("need", need_id)
        sections.append((_need_title(need), rec.for_need(need_id, k)))
    elif text:
        results = rec.for_text(text, kind, k, enterprise, amount=amount, term_months=term)
        sections.append((f"{NEED_KIND_LABELS[kind]}：{text}", results))
    elif enterprise:
        for need in rec.needs_of(enterprise):
            sections.append((_need_title(need), rec.for_need(need.id, k)))
        if not sections:
            console.print(f"企业 {enterprise} 暂无需求记录")
    else:
        raise typer.BadParameter("请给出需求编号、--text、--enterprise 或反向查询选项之一")
    if as_json:
        typer.echo(recommendations_json([r for _, results in sections for r in results]))
        return
    for title, results in sections:
        print_recommendations(console, title, results)


@app.command("policies", help="企业可享受的有效政策，逐条显示申报条件是否满足。")
@exit_on_user_error
def policies(
    enterprise_id: Annotated[str, typer.Argument(help="企业编号，如 E000001")],
    k: KOption = 20,
    show_all: ShowAllOpt = False,
    on: DateOpt = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
) -> None:
    """Policies in force that an enterprise is eligible for, each rule shown as passed or failed."""
    rec = _recommender(workspace, date.fromisoformat(on) if on else None)
    results = rec.policies(enterprise_id, k, include_ineligible=show_all)
    if as_json:
        typer.echo(recommendations_json(results))
        return
    name = rec.enterprise(enterprise_id).name
    print_recommendations(
        console, f"{name}（{enterprise_id}）可享受的政策（截至{rec.today}）", results
    )


@app.command("demo", help="示例：每类需求各推荐一次，并列出一家示例企业可享受的政策。")
@exit_on_user_error
def demo(workspace: WorkspaceOption = DEFAULT_WORKSPACE, k: KOption = 3) -> None:
    """One sample need of each kind with its recommendations, and a sample enterprise's policies."""
    rec = _recommender(workspace)
    needs = list(rec.store.load("need").values())
    for kind in ("tech", "finance", "partner"):
        for need in [n for n in needs if n.kind == kind][:20]:
            results = rec.for_need(need.id, k)
            if results:  # show the first sample need that has matches
                print_recommendations(console, _need_title(need), results)
                break
    enterprises = list(rec.store.load("enterprise").values())
    if enterprises:
        best = max(enterprises[:500], key=lambda e: (len(e.tiers), e.whitelist))
        print_recommendations(
            console, f"{best.name}（{best.id}）可享受的政策", rec.policies(best.id, k + 2)
        )
