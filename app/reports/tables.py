"""Each report laid out once as a table — title, one or two header rows, data, totals, notes — so the
spreadsheet and the CSV (and the numbers on the page) cannot disagree."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from app.reports.schemas import ProgressReport, ServicesReport, TrainingNeedsReport

Cell = str | int | float | None


@dataclass
class Table:
    sheet_name: str
    title: str
    # Header rows. In the first row ``None`` continues the group on its left (a horizontal merge); in
    # a later row ``None`` means the cell above spans down (a vertical merge).
    header: list[list[str | None]]
    rows: list[list[Cell]]
    totals: list[Cell] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return len(self.header[0])

    def flat_header(self) -> list[str]:
        """One header row for CSV: ``来津就业人数-任务数``."""
        groups: list[str] = []
        current = ""
        for cell in self.header[0]:
            current = cell if cell is not None else current
            groups.append(current)
        names = []
        for col, group in enumerate(groups):
            parts = [group] + [text for row in self.header[1:] if (text := row[col]) is not None]
            names.append("-".join(parts))
        return names


@dataclass
class Report:
    filename: str
    tables: list[Table]


def progress_tables(report: ProgressReport) -> Report:
    outcomes = ("employed_in_receiving", "employed_locally", "employed_elsewhere")
    header: list[list[str | None]] = [
        ["序号", "单位名称", "来津就业人数", None, "就近就地就业人数", None, "转移其他地区就业人数", None]
        + ["提供岗位数", None],
        [None, None, "任务数", "完成数", "任务数", "完成数", "任务数", "完成数", "应提供（按每年1000个折算）"]
        + ["已提供"],
    ]
    rows: list[list[Cell]] = []
    for i, r in enumerate(report.rows, start=1):
        line: list[Cell] = [i, r.region_name]
        for o in outcomes:
            cell = getattr(r, o)
            line += [cell.target, cell.achieved]
        line += [r.jobs.required_by_rule, r.jobs.provided]
        rows.append(line)
    totals: list[Cell] = ["合计", None]
    for o in outcomes:
        cell = getattr(report.totals, o)
        totals += [cell.target, cell.achieved]
    totals += [report.totals.jobs.required_by_rule, report.totals.jobs.provided]
    table = Table(
        sheet_name="进展情况",
        title=f"就业扶贫工作进展情况统计表（{report.period}）",
        header=header,
        rows=rows,
        totals=totals,
        notes=[
            f"统计期间 {report.first_day} 至 {report.last_day}。完成数按期间内到岗的劳动力计，"
            "同一人同一类别同一期间只计一次，计入其所在县结对的输入地。",
            "应提供岗位数按每个输入地每年1000个、按月折算（半年500个，季度250个，月83个）；"
            "已提供为期间内新发布岗位的招聘人数合计。任务数空白表示该期间未设定目标。",
        ],
    )
    return Report(filename=f"progress-{report.period}", tables=[table])


def services_tables(report: ServicesReport) -> Report:
    summary = Table(
        sheet_name="服务情况汇总",
        title=f"就业服务情况统计表（{report.period}）",
        header=[
            [
                "序号",
                "输出地",
                "有就业意愿人数",
                "获得服务人数",
                "未获服务人数",
                "零就业家庭户数",
                "其中获得3次以上服务户数",
                "推荐岗位不足3个人数",
            ]
        ],
        rows=[
            [
                i,
                r.region_name,
                r.seekers_wanting_work,
                r.seekers_served,
                r.seekers_not_served,
                r.zero_employment_households,
                r.zero_employment_households_served_3,
                r.seekers_under_3_recommendations,
            ]
            for i, r in enumerate(report.rows, start=1)
        ],
        totals=[
            "合计",
            None,
            report.totals.seekers_wanting_work,
            report.totals.seekers_served,
            report.totals.seekers_not_served,
            report.totals.zero_employment_households,
            report.totals.zero_employment_households_served_3,
            report.totals.seekers_under_3_recommendations,
        ],
        notes=[
            f"统计期间 {report.first_day} 至 {report.last_day}；服务次数、推荐岗位数均只计本期发生的。",
        ],
    )
    names = {r.region_code: r.region_name for r in report.rows}
    shortfalls = Table(
        sheet_name="待补服务名单",
        title=f"待补服务名单（{report.period}）",
        header=[
            [
                "序号",
                "输出地",
                "编号",
                "姓名",
                "户编号",
                "零就业家庭",
                "本期服务次数",
                "推荐岗位数",
                "全户服务次数",
                "缺项",
            ]
        ],
        rows=[
            [
                i,
                names.get(s.region_code, s.region_code),
                s.external_id,
                s.name_masked,
                s.household_id,
                "是" if s.zero_employment else "否",
                s.services,
                s.recommendations,
                s.household_services,
                s.missing_text,
            ]
            for i, s in enumerate(report.shortfalls, start=1)
        ],
        notes=[
            f"共 {report.shortfalls_total} 人" + ("（名单已截断）" if report.shortfalls_truncated else "")
        ],
    )
    return Report(filename=f"services-{report.period}", tables=[summary, shortfalls])


def training_tables(report: TrainingNeedsReport) -> Report:
    detail = Table(
        sheet_name="培训需求清单",
        title=f"培训需求清单（{report.month}）",
        header=[["序号", "输出地", "培训需求", "人数"]],
        rows=[[i, r.region_name, r.training_need, r.seekers] for i, r in enumerate(report.rows, start=1)],
        totals=["合计", None, None, report.total_seekers],
        notes=[
            f"截至 {report.as_of}，有就业意愿且记录在该月底前最后更新的劳动力；"
            "一人有多项需求时在各项下分别计数，合计按人计一次。"
        ],
    )
    by_need = Table(
        sheet_name="按需求汇总",
        title=f"培训需求汇总（{report.month}）",
        header=[["序号", "培训需求", "人数"]],
        rows=[[i, r.training_need, r.seekers] for i, r in enumerate(report.by_need, start=1)],
    )
    return Report(filename=f"training-needs-{report.month}", tables=[detail, by_need])


def to_csv(table: Table) -> bytes:
    """UTF-8 with a BOM: without it Excel on Chinese Windows reads the file as GBK and garbles it."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(table.flat_header())
    for row in table.rows:
        writer.writerow(["" if v is None else v for v in row])
    if table.totals is not None:
        writer.writerow(["" if v is None else v for v in table.totals])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
