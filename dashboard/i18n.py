"""The dashboard's words in Chinese (default) and English; `t(key)` picks the session's language."""

from __future__ import annotations

import streamlit as st

from monitor.billing.check import Code
from monitor.domain.tickets import STATUS_LABELS_EN
from monitor.measures.inspections import (
    EVIDENCE_LABELS_EN,
    EVIDENCE_LABELS_ZH,
    FINDING_LABELS_EN,
    FINDING_LABELS_ZH,
)
from monitor.report.billing import EVIDENCE_ZH

LANGUAGES = {"zh": "中文", "en": "English"}

TEXTS: dict[str, tuple[str, str]] = {
    "app.title": ("政务云合同履约监测", "Government cloud SLA monitor"),
    # login
    "login.title": ("登录", "Sign in"),
    "login.name": ("用户名", "User name"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.failed": ("用户名或密码错误", "Wrong user name or password"),
    "login.sso": ("单点登录", "Single sign-on"),
    "login.sso_unknown": (
        "单点登录账号 {email} 未在 slamon 中登记，请联系管理员（slamon users add {email} --sso …）",
        "The SSO account {email} is not registered in slamon; ask an administrator "
        "(slamon users add {email} --sso …)",
    ),
    "login.no_users": (
        "尚无用户。请先在服务器上创建：slamon users add 用户名 --role supervisor",
        "No users yet. Create one on the server: slamon users add NAME --role supervisor",
    ),
    "logout": ("退出登录", "Sign out"),
    "signed_in_as": ("当前用户", "Signed in as"),
    # The sidebar's widgets keep one label in both languages: Streamlit ties a widget's
    # identity to its label, so a label that changed with the language would reset the widget.
    "language": ("语言 Language", "语言 Language"),
    "period": ("考核期 Period（YYYY-MM / YYYY）", "考核期 Period（YYYY-MM / YYYY）"),
    "period.bad": (
        "考核期“{text}”格式不对：请写 YYYY 或 YYYY-MM，例如 2022 或 2022-08",
        "“{text}” is not a period: write YYYY or YYYY-MM, e.g. 2022 or 2022-08",
    ),
    "as_of": ("评估时间", "As of"),
    "denied": ("当前角色无权查看此页面", "Your role may not open this page"),
    "error.unexpected": (
        "页面出错了，请刷新重试。若仍出错，请把参考编号 {reference} 告诉管理员。",
        "Something went wrong on this page; reload to try again. If it happens again, "
        "give the administrator the reference {reference}.",
    ),
    # pages
    "page.overview": ("总览", "Overview"),
    "page.incidents": ("工单", "Incidents"),
    "page.incident": ("工单详情", "Incident detail"),
    "page.violations": ("违约", "Violations"),
    "page.availability": ("可用率", "Availability"),
    "page.inspections": ("巡检", "Inspections"),
    "page.scorecard": ("评分", "Scorecard"),
    "page.compare": ("一云 vs 二云", "Pool 1 vs pool 2"),
    "page.obligations": ("履约事项", "Obligations"),
    "page.billing": ("计费核对", "Billing check"),
    # overview
    "overview.scores": ("评分指标（失分）", "Indicators (points lost)"),
    "overview.total": (
        "合计 {total:g} / {max:g}，等级 {grade}",
        "Total {total:g} / {max:g}, grade {grade}",
    ),
    "overview.incomplete": ("（{missing:g} 分指标无数据）", " ({missing:g} points without data)"),
    "overview.lost": ("失 {lost:g} 分", "−{lost:g}"),
    "overview.no_data": ("无数据", "no data"),
    "overview.open": ("未关闭工单（按类型与等级）", "Open tickets (by kind and severity)"),
    "overview.no_open": ("没有未关闭的工单", "No open tickets"),
    "overview.clocks": ("计时中的时限（最近截止在前）", "Running clocks (nearest deadline first)"),
    "overview.no_clocks": ("没有计时中的时限", "No running clocks"),
    "overview.breaches": ("本月与上月违约", "Violations this month vs last"),
    "overview.this_month": ("本月 {label}", "This month {label}"),
    "overview.last_month": ("上月 {label}", "Last month {label}"),
    "overview.trend": (
        "近12个月违约（按报障月份）",
        "Violations in the last 12 months (by report month)",
    ),
    "overview.trend_year": (
        "{year} 年各月违约（按报障月份）",
        "Violations in {year} by report month",
    ),
    "overview.this_year": ("本年 {label}", "This year {label}"),
    "overview.by_target": (
        "各月违约（按考核目标，不含已豁免）",
        "Violations by month and target (not waived)",
    ),
    "overview.last_year": ("上年 {label}", "Last year {label}"),
    "overview.availability": ("可用率与目标", "Availability vs target"),
    "overview.no_availability": ("本期没有可用率数据", "No availability data this period"),
    "overview.collectors": ("采集器健康", "Collectors' health"),
    "overview.no_collectors": ("尚未配置或运行采集器", "No collector has run yet"),
    "overview.auto_refresh": ("自动刷新（大屏）", "Auto-refresh (wall display)"),
    "wall.none_urgent": ("没有超时或临近超时的计时", "No clock overdue or at risk"),
    "overview.last_evaluation": (
        "最近评估：{at}（运行于 {ran}）",
        "Last evaluation: as of {at} (ran {ran})",
    ),
    "overview.calendar_ending": (
        "工作日历只到 {last}（还剩 {days} 天）：之后的工作日时限将为日历未知。请将下一年的国务院"
        "节假日安排加入合同（slamon calendar import 通知）或升级 chinesecalendar。",
        "The working-day calendar ends on {last} ({days} days left): working-day deadlines "
        "after it will be calendar unknown. Add next year's holiday notice to the contract "
        "(slamon calendar import NOTICE) or upgrade chinesecalendar.",
    ),
    "scorecard.pools_only": (
        "本评分仅含您的资源池（{pools}）的工单、资源、巡检和满意度，不是全云的考核结果。",
        "This scorecard covers only your pools ({pools}): their tickets, resources, inspections "
        "and surveys, not the whole cloud's evaluation.",
    ),
    "incident.judged_by": (
        "依据合同：{contract}（版本 {version}）",
        "Judged by: {contract} (version {version})",
    ),
    "overview.uncovered": (
        "{count} 张工单没有适用的合同（资源池、运维方或报告时间不在任何合同范围内），未评估、"
        "不计分；运行 slamon evaluate 可列出这些工单。",
        "{count} ticket(s) are covered by no contract (their pool, operator or report time is "
        "outside every contract): no verdict, not scored; slamon evaluate lists them.",
    ),
    "overview.calendar_unknown": (
        "{count} 条考核结果因工作日历不含 {years} 年而未判定（日历未知，不计违约）。请将该年的"
        "节假日安排加入合同（slamon calendar import 通知）或升级 chinesecalendar。",
        "{count} result(s) have no verdict: the working-day calendar does not know {years} "
        "(calendar unknown, not counted as violations). Add the year to the contract "
        "(slamon calendar import NOTICE) or upgrade chinesecalendar.",
    ),
    "overview.never_evaluated": (
        "尚未评估：运行 slamon evaluate 或 slamon serve",
        "Not evaluated yet: run slamon evaluate or serve",
    ),
    # columns
    "col.ticket_id": ("工单编号", "Ticket"),
    "col.source": ("来源", "Source"),
    "col.kind": ("类型", "Kind"),
    "col.severity": ("等级", "Severity"),
    "col.pool": ("资源池", "Pool"),
    "col.operator": ("运营单位", "Operator"),
    "col.user_unit": ("使用单位", "User unit"),
    "col.system": ("业务系统", "System"),
    "col.title": ("标题", "Title"),
    "col.reported_at": ("报障时间", "Reported"),
    "col.closed_at": ("关闭时间", "Closed"),
    "col.violations": ("违约", "Violations"),
    "col.waived": ("已豁免", "Waived"),
    "col.target": ("考核项", "Target"),
    "col.status": ("状态", "Status"),
    "col.start": ("起算", "Start"),
    "col.deadline": ("时限", "Deadline"),
    "col.stop": ("完成", "Stop"),
    "col.overdue": ("超时", "Overdue"),
    "col.age": ("已违约", "Age"),
    "col.countdown": ("倒计时", "Countdown"),
    "clock.left": ("剩余 {time}", "{time} left"),
    "clock.overdue": ("已超时 {time}", "{time} overdue"),
    "col.waiver": ("豁免", "Waiver"),
    "col.count": ("数量", "Count"),
    "col.name": ("名称", "Name"),
    "col.watermark": ("水位", "Watermark"),
    "col.lag": ("滞后", "Lag"),
    "col.last_run": ("最近运行", "Last run"),
    "col.last_error": ("最近错误", "Last error"),
    "col.failed_runs": ("24小时失败/运行", "Failed/runs 24 h"),
    "col.health": ("健康", "Health"),
    "col.time": ("时间", "Time"),
    "col.event": ("事件", "Event"),
    "col.detail": ("说明", "Detail"),
    "col.by": ("操作人", "By"),
    "col.indicator": ("指标", "Indicator"),
    "col.points": ("得分", "Points"),
    "col.max_points": ("满分", "Max"),
    "col.lost": ("失分", "Lost"),
    "col.rule": ("规则", "Rule"),
    "col.evidence": ("依据", "Evidence"),
    "col.section": ("一级指标", "Section"),
    "col.availability": ("可用率", "Availability"),
    "col.target_pct": ("目标", "Target"),
    "col.coverage": ("覆盖率", "Coverage"),
    "col.budget_left": ("剩余预算（分）", "Budget left (min)"),
    "col.findings": ("发现", "Findings"),
    "col.resources": ("资源数", "Resources"),
    "col.record": ("记录", "Record"),
    "col.inspected_at": ("巡检时间", "Inspected"),
    "col.item": ("巡检项", "Item"),
    "col.finding": ("发现问题", "Finding"),
    "col.missing": ("缺少", "Missing"),
    "col.day": ("日期", "Day"),
    # incidents
    "search.box": (
        "搜索：工单编号、业务系统、使用单位、标题、任意字段",
        "Search: ticket id, system, unit, title, any field",
    ),
    "search.field": ("搜索字段", "Field"),
    "search.any": ("任意字段", "Any field"),
    "search.state": ("状态", "State"),
    "state.any": ("全部", "All"),
    "state.open": ("未关闭", "Open"),
    "state.closed": ("已关闭", "Closed"),
    "state.violated": ("有违约", "With violations"),
    "state.waived": ("有豁免", "With waivers"),
    "search.whole_period": ("仅本考核期", "This period only"),
    "search.found": (
        "共 {total} 条，第 {page} / {pages} 页",
        "{total} found, page {page} of {pages}",
    ),
    "search.none": ("没有符合条件的工单", "No matching tickets"),
    "search.page": ("页码", "Page"),
    "search.open": ("打开工单", "Open ticket"),
    "search.open_button": ("查看详情", "Show detail"),
    "drill.click_row": (
        "点击一行打开工单详情；点击工单编号在新标签页打开",
        "Click a row to open the ticket; click a ticket id to open it in a new tab",
    ),
    # incident detail
    "incident.pick": ("工单编号", "Ticket id"),
    "incident.not_found": (
        "没有找到该工单（或无权查看）",
        "No such ticket (or not visible to you)",
    ),
    "incident.choose": (
        "在“工单”页搜索并打开一张工单，或在此输入工单编号",
        "Search on the Incidents page, or enter a ticket id here",
    ),
    "incident.events": ("时间线", "Timeline"),
    "incident.clocks": ("各考核项计时与时限", "Each target's clock against its deadline"),
    "incident.targets": ("考核项、合同条款与证据", "Targets, contract terms and evidence"),
    "incident.no_results": (
        "尚无评估结果：运行 slamon evaluate",
        "No results yet: run slamon evaluate",
    ),
    "incident.evidence": (
        "证据：{start} {start_at} → {stop} {stop_at}；来源 {source}",
        "Evidence: {start} {start_at} → {stop} {stop_at}; source {source}",
    ),
    "incident.waived": (
        "已豁免：{reason}（{by}，{at}；附件 {ref}）",
        "Waived: {reason} ({by}, {at}; attachment {ref})",
    ),
    "timeline.event": ("事件", "event"),
    "timeline.status": ("状态变化", "status change"),
    "timeline.waiver": ("豁免", "waiver"),
    "timeline.revoke": ("撤销豁免", "waiver revoked"),
    "timeline.request": ("申请豁免", "waiver requested"),
    "timeline.appeal": ("申诉", "appeal"),
    "timeline.approved": ("批准豁免", "waiver approved"),
    "timeline.rejected": ("驳回豁免申请", "waiver request rejected"),
    "timeline.overturned": ("申诉成立", "appeal: violation overturned"),
    "timeline.upheld": ("申诉驳回，维持违约", "appeal: violation upheld"),
    "chart.now": ("评估时间", "as of"),
    "chart.deadline": ("时限", "deadline"),
    "chart.paused": ("暂停", "paused"),
    "chart.availability": ("可用率", "availability"),
    "chart.target": ("目标", "target"),
    "chart.no_data": ("无监测数据", "no monitoring data"),
    "chart.coverage": ("覆盖 {coverage}", "coverage {coverage}"),
    "timeline.pause": ("暂停计时", "clock paused"),
    "timeline.resume": ("恢复计时", "clock resumed"),
    "timeline.severity": ("级别变更", "severity changed"),
    "timeline.reopen": ("重新打开", "reopened"),
    "timeline.source_status": ("来源状态更新", "source status update"),
    # violations
    "violations.counts": (
        "违约 {total} 项，其中已豁免 {waived} 项",
        "{total} violations, {waived} waived",
    ),
    "violations.waived_filter": ("豁免", "Waiver"),
    "waived.any": ("全部", "All"),
    "waived.waived": ("已豁免", "Waived"),
    "waived.unwaived": ("未豁免", "Not waived"),
    "violations.search": ("搜索：工单编号或标题", "Search: ticket id or title"),
    "col.request": ("豁免申请/申诉", "Waiver request / appeal"),
    "request.line": (
        "{kind}·{state}：{text}（{by}，{at}）",
        "{kind}, {state}: {text} ({by}, {at})",
    ),
    "request.kind.waiver": ("豁免申请", "Waiver request"),
    "request.kind.appeal": ("申诉", "Appeal"),
    "request.state.pending": ("待监理审批", "awaiting the supervisor"),
    "request.state.approved": ("已批准，不计违约", "approved, not counted"),
    "request.state.rejected": ("已驳回", "rejected"),
    "request.state.overturned": ("申诉成立，不计违约", "violation overturned, not counted"),
    "request.state.upheld": ("申诉驳回，维持违约", "violation upheld"),
    "waiver.request_title": ("申请豁免 / 申诉", "Request a waiver / appeal"),
    "waiver.find": (
        "查找违约：工单编号或标题（在全部违约中搜索）",
        "Find a violation: ticket id or title (searches every violation)",
    ),
    "waiver.found": (
        "未豁免且无待审申请的违约共 {total} 项，显示前 {shown} 项",
        "{total} violations without a waiver or a pending request, the first {shown} shown",
    ),
    "waiver.none_found": ("没有可申请的违约", "No violation to request for"),
    "waiver.pick": ("违约项", "Violation"),
    "waiver.kind": ("类型", "Kind"),
    "waiver.kind.waiver": (
        "申请豁免（不可抗力等：违约属实，但不计分）",
        "Waiver (force majeure …: the violation stands but does not count)",
    ),
    "waiver.kind.appeal": ("申诉（违约判定有误）", "Appeal (the verdict is wrong)"),
    "waiver.reason": ("理由（如不可抗力、计时有误）", "Reason (force majeure, a wrong clock …)"),
    "waiver.attachment": ("附件编号/链接", "Attachment reference"),
    "waiver.evidence": ("证据编号/链接", "Evidence reference"),
    "waiver.submit_request": ("提交申请", "Submit"),
    "waiver.requested": (
        "已提交{kind}：{what}，待监理单位审批（须由申请人以外的监理审批）",
        "Submitted the {kind} of {what}; a supervisor other than you decides",
    ),
    "decide.waiver_title": ("审批豁免申请（监理单位）", "Decide waiver requests (supervisor)"),
    "decide.appeal_title": ("裁决申诉（监理单位）", "Rule on appeals (supervisor)"),
    "decide.pick": ("待审批", "Awaiting a decision"),
    "decide.none": ("没有待审批的事项", "Nothing awaits a decision"),
    "decide.own": (
        "另有 {count} 项由你本人提交，须由另一位监理审批",
        "{count} more were submitted by you: another supervisor decides them",
    ),
    "decide.comment": ("审批意见", "Comment"),
    "decide.approved": ("批准豁免", "Approve"),
    "decide.rejected": ("驳回", "Reject"),
    "decide.overturned": ("申诉成立（不计违约）", "Overturn (not counted)"),
    "decide.upheld": ("维持违约", "Uphold the violation"),
    "decide.done": ("{what}：{decision}", "{what}: {decision}"),
    "waiver.revoke_title": ("撤销豁免（监理单位）", "Revoke a waiver (supervisor)"),
    "waiver.revoke_pick": ("已豁免项", "Waived violation"),
    "waiver.revoke_reason": ("撤销理由", "Reason for revoking"),
    "waiver.revoke_submit": ("撤销", "Revoke"),
    "waiver.revoked": ("已撤销豁免 {what}", "Revoked the waiver of {what}"),
    "waiver.audit": ("审计日志", "Audit log"),
    "waiver.what.reason": ("理由", "reason"),
    "waiver.what.evidence reference": ("证据编号/链接", "evidence reference"),
    "waiver.what.comment": ("审批意见", "comment"),
    "waiver.error.pick": ("请先选择一项", "Choose one first"),
    "waiver.error.role_request": (
        "只有运营单位或监理单位可以申请豁免",
        "Only an operator or the supervisor can request a waiver",
    ),
    "waiver.error.role_appeal": (
        "只有运营单位可以对本资源池的违约提出申诉",
        "Only an operator can appeal a violation in its own pools",
    ),
    "waiver.error.role_decide": (
        "只有监理单位可以审批豁免申请或裁决申诉",
        "Only the supervisor can decide waiver requests and appeals",
    ),
    "waiver.error.role_revoke": ("只有监理单位可以撤销豁免", "Only the supervisor can revoke"),
    "waiver.error.required": ("请填写{what}", "Please fill in the {what}"),
    "waiver.error.too_long": (
        "{what}超过 {limit} 个字符",
        "The {what} is longer than {limit} characters",
    ),
    "waiver.error.no_result": ("没有找到该违约（或无权操作）", "No such violation (or not yours)"),
    "waiver.error.not_violation": (
        "{ticket} {target} 当前为{status}，不是违约，无需豁免",
        "{ticket} {target} is {status}, not a violation: nothing to waive",
    ),
    "waiver.error.already_waived": ("{target} 已豁免", "{target} is already waived"),
    "waiver.error.already_pending": (
        "{ticket} {target} 已有待审批的申请或申诉",
        "{ticket} {target} already has a request or appeal awaiting a decision",
    ),
    "waiver.error.no_request": (
        "申请 #{request} 不存在或已处理",
        "Request #{request} does not exist or is already decided",
    ),
    "waiver.error.own_request": (
        "申请 #{request} 由 {name} 本人提交，须由另一位监理审批",
        "Request #{request} was made by {name}: another supervisor must decide it",
    ),
    "waiver.error.bad_decision": ("无效的审批结果", "Not a decision on this request"),
    "waiver.error.no_waiver": (
        "豁免 #{waiver} 不存在或已撤销",
        "Waiver #{waiver} does not exist or is already revoked",
    ),
    "audit.waiver.request": ("申请豁免", "waiver requested"),
    "audit.waiver.approve": ("批准豁免", "waiver approved"),
    "audit.waiver.reject": ("驳回豁免申请", "waiver request rejected"),
    "audit.appeal.request": ("提出申诉", "appeal made"),
    "audit.appeal.overturn": ("申诉成立", "appeal: violation overturned"),
    "audit.appeal.uphold": ("申诉驳回，维持违约", "appeal: violation upheld"),
    "audit.waiver.create": ("豁免（单人操作，旧记录）", "waiver (single step, old record)"),
    "audit.waiver.revoke": ("撤销豁免", "waiver revoked"),
    "audit.user.add": ("添加用户", "user added"),
    "audit.user.replace": ("更新用户", "user replaced"),
    "audit.rejudge": ("重新判定", "rejudged"),
    # obligations (履约事项)
    "obligations.none_in_contract": (
        "合同没有约定履约事项（contract 的 obligations 一节）",
        "The contract lists no obligations (its obligations section)",
    ),
    "obligations.none": ("本期没有应履行的履约事项", "No obligation is owed in this period"),
    "obligations.pools_only": (
        "仅含本单位资源池的履约事项：{pools}",
        "Only your pools' obligations: {pools}",
    ),
    "obligations.filter_status": ("按状态筛选", "Filter by status"),
    "obligations.periods": ("各期履约情况", "Obligation periods"),
    "obligations.no_match": ("没有符合筛选条件的履约事项", "No obligation matches the filter"),
    "obligations.last_day": ("{day} 24:00", "{day} 24:00"),
    "obligation_status.due": ("待完成", "Due"),
    "obligation_status.at_risk": ("临近期限", "At risk"),
    "obligation_status.met": ("按期完成", "Met"),
    "obligation_status.missed": ("逾期未完成", "Missed"),
    "obligation_status.late": ("逾期完成", "Done late"),
    "col.obligation": ("履约事项", "Obligation"),
    "col.period": ("期间", "Period"),
    "col.subject": ("对象", "Subject"),
    "col.due_by": ("应完成时间", "Due by"),
    "col.required": ("要求", "Required"),
    "col.done": ("已完成", "Done"),
    # billing check
    "billing.month_only": (
        "结算清单按月核对：请在左侧考核期填写月份（YYYY-MM），例如 {example}",
        "Statements are checked by month: enter a month (YYYY-MM) as the period, e.g. {example}",
    ),
    "billing.none": (
        "{period} 没有结算清单。导入：slamon import statement 文件",
        "No statement for {period}. Import one: slamon import statement FILE",
    ),
    "billing.summary": (
        "计费合计 {billed} 元，争议合计 {disputed} 元；{lines} 行，无异议 {ok} 行",
        "Billed {billed} yuan, in dispute {disputed} yuan; {lines} lines, {ok} without dispute",
    ),
    "billing.pools_only": ("仅含本单位资源池的结算行：{pools}", "Only your pools' lines: {pools}"),
    "billing.by_pool_item": (
        "争议金额（元），按资源池与服务项",
        "Disputed (yuan) by pool and item",
    ),
    "billing.no_dispute": ("本期无争议金额", "Nothing in dispute this month"),
    "billing.lines": ("核对明细", "Checked lines"),
    "billing.no_lines": ("没有符合筛选条件的结算行", "No line matches the filters"),
    "billing.unbilled": (
        "在用未计费资源（仅列示，不计争议）",
        "In service, not billed (shown, not disputed)",
    ),
    "billing.filter_code": ("核对结果", "Result"),
    "billing.download_csv": ("下载明细 CSV", "Download lines (CSV)"),
    "billing.download_xlsx": ("下载核对结果 XLSX", "Download the check (XLSX)"),
    "col.line": ("行号", "Line"),
    "col.resource_id": ("资源编号", "Resource"),
    "col.item_code": ("服务项编码", "Item"),
    "col.billed": ("计费金额（元）", "Billed (yuan)"),
    "col.allowed": ("核定金额（元）", "Allowed (yuan)"),
    "col.disputed": ("争议金额（元）", "Disputed (yuan)"),
    "col.in_service_days": (EVIDENCE_ZH["in_service_days"], "Days in service"),
    "col.resource_class": ("资源类别", "Class"),
    # The billing check's, the findings' and their evidence's names live beside their rules
    # (a line's evidence is worded by monitor.report.billing.evidence_text).
    **{f"billing_code.{code.value}": (code.zh, code.en) for code in Code},
    # availability / inspections / scorecard / compare
    "availability.by": ("维度", "By"),
    "availability.coverage_floor": ("监测覆盖率下限 {floor}", "coverage floor {floor}"),
    "availability.burn": ("{window}消耗速率", "burn {window}"),
    "finding.low_coverage": ("覆盖率不足", "low coverage"),
    "finding.no_evidence": ("无监测数据", "no monitoring data"),
    "list.sep": ("、", ", "),
    "list.count": ("（{count}）", " ({count})"),
    "list.range": ("{first}～{last}", "{first} – {last}"),
    "detail.of": ("{what}：{detail}", "{what}: {detail}"),
    "detail.held": ("{status}（{reason}）", "{status} ({reason})"),
    "actor.cli": ("命令行", "command line"),
    **{
        f"finding_state.{state.value}": (name, FINDING_LABELS_EN[state])
        for state, name in FINDING_LABELS_ZH.items()
    },
    "evidence.resolved_at": ("解决时间", "resolution time"),
    **{
        f"evidence.{key}": (name, EVIDENCE_LABELS_EN[key])
        for key, name in EVIDENCE_LABELS_ZH.items()
    },
    "role.supervisor": ("监理单位", "supervisor"),
    "role.owner": ("建设单位", "owner"),
    "role.operator": ("运营单位", "operator"),
    "role.user_unit": ("使用单位", "user unit"),
    "role.wall": ("大屏（只读）", "wall display (read-only)"),
    "by.class": ("类别", "class"),
    "by.pool": ("资源池", "pool"),
    "by.resource": ("资源", "resource"),
    "availability.gaps": ("覆盖缺口（监测数据不足）", "Coverage gaps (too few samples)"),
    "availability.daily": ("每日可用率与覆盖率", "Availability and coverage per day"),
    "availability.daily_note": (
        "按北京时间（UTC+8）自然日统计；折线断开处为当日无监测数据（不计为不可用）",
        "Per day of UTC+08:00 (Beijing time); a break in a line is a day without samples (not "
        "counted as downtime)",
    ),
    "availability.no_gaps": ("没有覆盖缺口", "No coverage gaps"),
    "inspections.unclosed": ("未闭环巡检发现", "Unclosed findings"),
    "inspections.none_unclosed": ("没有未闭环的发现", "No unclosed findings"),
    "inspections.missed": ("漏检日期", "Days without an inspection"),
    "inspections.none_missed": ("没有漏检", "No missed days"),
    "inspections.summary": (
        "本期巡检 {records} 条，异常 {abnormal} 条",
        "{records} inspections, {abnormal} abnormal",
    ),
    "scorecard.report": ("生成监理报告", "Build the supervision report"),
    "scorecard.lost": ("各指标失分", "Points lost by indicator"),
    "response.title": (
        "平均响应与修复时长（MTTA / MTTR，按报障月份）",
        "Mean time to respond and to restore (MTTA / MTTR, by report month)",
    ),
    "response.none": ("本期没有工单", "No tickets this period"),
    "response.tickets": ("工单数", "Tickets"),
    "response.mtta": ("平均响应时长", "MTTA"),
    "response.mttr": ("平均修复时长", "MTTR"),
    "response.open": ("未恢复", "Not restored"),
    "response.mtta_minutes": ("平均响应（分钟）", "MTTA (minutes)"),
    "response.mttr_hours": ("平均修复（小时）", "MTTR (hours)"),
    "scorecard.download_md": ("下载 Markdown", "Download Markdown"),
    "scorecard.download_xlsx": ("下载 Excel", "Download Excel"),
    "compare.tickets": ("工单数", "Tickets"),
    "compare.open": ("未关闭", "Open"),
    "compare.faults": ("故障", "Faults"),
    "compare.violations": ("违约项", "Violations"),
    "compare.violated_tickets": ("违约工单", "Violated tickets"),
    "compare.waived": ("已豁免", "Waived"),
    "compare.availability": ("可用率", "Availability"),
    "compare.utilisation": ("资源利用率", "Utilisation"),
    "compare.unclosed": ("未闭环巡检", "Unclosed findings"),
    "compare.missed": ("漏检天数", "Missed days"),
    "compare.none": ("本期没有数据", "No data this period"),
    "choose": ("请选择", "Choose"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "ok": ("正常", "ok"),
    "stale": ("滞后", "stale"),
    "failing": ("失败", "failing"),
}

# The statuses' English names (monitor.domain.tickets), and a removed target's.
STATUS_EN = {
    **{status.value: name for status, name in STATUS_LABELS_EN.items()},
    "removed": "removed",
}


def language() -> str:
    return str(st.session_state.get("lang", "zh"))


def t(key: str, **values: object) -> str:
    """The text of `key` in the session's language, with {placeholders} filled."""
    zh, en = TEXTS[key]
    text = zh if language() == "zh" else en
    return text.format(**values) if values else text


def status_label(status: str | None) -> str:
    from monitor.domain.tickets import STATUS_LABELS_ZH, Status

    if status is None:
        return "—"
    if language() == "en":
        return STATUS_EN.get(status, status)
    try:
        return STATUS_LABELS_ZH[Status(status)]
    except ValueError:
        return {"removed": "已移除"}.get(status, status)
