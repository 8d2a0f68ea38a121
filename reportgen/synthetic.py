"""Deterministic synthetic datasets in reportgen's own YAML format, for batch tests and benchmarks.

``write_dataset(target, 100, seed=0)`` writes ``target/organization.yaml`` and one
``target/outcomes/oNNNN.yaml`` per outcome. Everything is drawn from ``random.Random(seed)``,
so the same arguments give byte-identical files. The data loads with no errors and no lint
warnings: every sentence is built from several word lists and numbers, and a sentence is
never used twice in a dataset, so no paragraph repeats across outcomes.

Command line: ``python -m reportgen.synthetic --outcomes 100 --out /tmp/x [--seed 0]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

import yaml

from .sdg import TARGETS

__all__ = ["main", "write_dataset"]

CENT = Decimal("0.01")

# Word lists (packed by hand, not by the formatter).
# fmt: off
COUNTRIES: tuple[tuple[str, str], ...] = (
    ("México", "MX"), ("Perú", "PE"), ("Côte d'Ivoire", "CI"), ("Türkiye", "TR"), ("Panamá", "PA"),
    ("São Tomé and Príncipe", "ST"), ("Colombia", "CO"), ("Bolivia", "BO"), ("Guatemala", "GT"), ("Haiti", "HT"),
    ("Brazil", "BR"), ("Senegal", "SN"), ("Benin", "BJ"), ("Cameroon", "CM"), ("Kenya", "KE"), ("Uganda", "UG"),
    ("Ethiopia", "ET"), ("Nigeria", "NG"), ("Morocco", "MA"), ("Jordan", "JO"), ("Egypt", "EG"),
    ("Bangladesh", "BD"), ("Nepal", "NP"), ("Viet Nam", "VN"), ("Indonesia", "ID"), ("Philippines", "PH"),
    ("Moldova", "MD"), ("Georgia", "GE"), ("Ukraine", "UA"), ("Norway", "NO"),
)
_OPENERS = {
    "achieved": "The outcome was achieved in {year}, as {actor} {verb} {n} {institutions} in {place}.",
    "significant_progress": "The outcome registered significant progress in {year}, with {big} {people} reached in "
        "{place}.",
    "some_progress": "The outcome made some progress in {year}, although {challenge} slowed work in {n} {places}.",
    "not_achieved": "The outcome was not achieved in {year}, mainly because {challenge} delayed {activity} in {place}.",
    "not_assessed": "The outcome was not assessed in {year}, but {actor} {verb} {n} {institutions} in {place}.",
}
_STATEMENT = (
    "Women and girls in {country}, particularly {group_of}, {benefit}, supported by {means} at {level} level "
    "in {n} {places} of {place}"
)
_SENTENCES = (
    "In {month}, {actor} {verb} {n} {institutions} in {place} to {aim}, reaching {big} {people}.",
    "{Connector}, {big} {people} took part in {activity} run with {partner_kind}, {pct}% of them {group}.",
    "A {study} carried out with {partner_kind} in {n} {places} found that {pct}% of {people} {finding}.",
    "{Challenge} delayed {activity} in {n} {places}, so the team {mitigation}.",
    "Expenditure on {activity} reached {pct}% of the planned amount by {month}, as {actor} {verb} {n} {institutions}.",
    "Looking ahead, {actor} will {plan} in {n} additional {places} and {plan2}.",
    "{Connector}, {n} {institutions} in {place} adopted {instrument}, bringing the total to {n2}.",
    "Working with {partner_kind}, {actor} trained {big} {staff} on {topic}, and {pct}% of them {result}.",
    "By {month}, {big} {people} in {place} had been referred to {service}, up from {big2} a year earlier.",
    "{Connector}, monitoring visits to {n} {places} showed that {pct}% of {institutions} {result2}.",
)
# fmt: on

#: Word lists, one per key: "key: a|b|c", continued on indented lines.
_WORD_TEXT = """
agency: Nordic|Andean|Sahel|Pacific|Caribbean|Baltic|Alpine|Atlantic|Danube
foundation: Hartley|Okonkwo|Almeida|Lindqvist|Tanaka|Moreau|Castellanos|Whitfield|Osei
un_fund: Peacebuilding|Gender Equality|Climate Resilience|Joint SDG|Humanitarian Pooled|Spotlight
theme: women's access to justice|ending violence against women|women's economic empowerment|
  women's political participation|gender-responsive budgeting|women, peace and security|
  resilient livelihoods for rural women|care economy reform|women in climate action
qualifier: through local institutions|in priority regions|at national level|in border areas|in urban settlements|
  for Indigenous women|through community networks|in rural districts
group_of: those facing intersecting forms of discrimination|Indigenous and Afro-descendant women|
  women with disabilities|adolescent girls|rural and migrant women|young women|women heads of household|
  displaced women and girls
benefit: live free from violence|exercise their rights fully|have secure and decent livelihoods|
  lead and take part in decision-making|gain equal access to services and resources|shape peace and recovery processes|
  benefit from gender-responsive public finance
means: gender-responsive laws and institutions|stronger data and accountability systems|
  well-funded prevention strategies|inclusive public services|sustained civil society partnerships|
  positive social norms|coordinated multi-sector responses
level: national|subnational|municipal|community|national and local
impact_area: Ending violence against women and girls|Women's economic empowerment|
  Governance and participation in public life|Women, peace and security, humanitarian action
systemic: Global normative frameworks and gender-responsive laws, policies and institutions|
  Financing for gender equality|Positive social norms, including through engaging men and boys|
  Women's equitable access to services, goods and resources|Women's voice, leadership and agency|
  Production, analysis and use of gender statistics
output: Integrated policy advice and thought leadership|Strategic partnerships|
  UN system coordination for gender equality|Programme and operational effectiveness
month: January|February|March|April|May|June|July|August|September|October|November|December
actor: the programme|the country office|national partners|the joint programme team|civil society partners|
  the ministry for women|local governments|the project team
verb: supported|advised|equipped|accompanied|coached|funded|worked alongside
institutions: municipalities|prosecutors' offices|health centres|police stations|women's organizations|local councils|
  shelters|cooperatives|schools
place: the northern provinces|the capital district|rural municipalities of the south|coastal communities|
  the eastern highlands|peri-urban settlements|border districts|the central valley|the western region|
  informal settlements around the capital
places: districts|municipalities|provinces|communities|counties|departments
aim: improve case management|cost their gender action plans|open safe spaces for women|collect sex-disaggregated data|
  extend legal aid|set up referral pathways|reach women in remote areas|adopt survivor-centred protocols
people: women|adolescent girls|women survivors of violence|women entrepreneurs|women farmers|displaced women|
  young women|women candidates
connector: during the year|over the second half of the year|at the same time|in parallel|despite a difficult context|
  building on earlier work|in addition
activity: training courses|community dialogues|mentoring sessions|legal clinics|savings-group meetings|
  awareness campaigns|leadership workshops|mobile outreach
partner_kind: local women's organizations|the national statistics office|university researchers|
  faith and traditional leaders|private-sector partners|youth networks|the electoral authority|sister UN agencies
group: from rural areas|under 30|Indigenous|living with a disability|heads of household|first-time participants|
  from informal settlements
study: baseline survey|rapid assessment|perception study|gender audit|mid-term review|budget analysis|household survey
finding: knew where to report violence|had access to credit|felt safe on public transport|
  had a say in household spending|trusted local justice services|had heard of the new law|owned a mobile phone
challenge: heavy flooding|a change of local authorities|a long teachers' strike|insecurity along main roads|
  delays in fund transfers|a national election campaign|fuel shortages|a disease outbreak
mitigation: moved sessions online|rescheduled the work to the last quarter|partnered with community radio stations|
  recruited local facilitators|shifted funds to remote support|agreed a revised workplan with the ministry
plan: extend the model|scale up legal aid|replicate the safe-city approach|roll out the new protocol|
  open two more service points|train a new cohort of mediators
plan2: strengthen data collection|secure co-financing from local budgets|publish an annual progress review|
  deepen work with men and boys|consolidate the monitoring system|hand over coordination to national authorities
instrument: gender action plans|survivor-centred protocols|gender-responsive budgets|codes of conduct|
  quota regulations|complaint mechanisms
staff: police officers|health workers|judges and prosecutors|teachers|social workers|local officials|extension workers|
  journalists
topic: case management|gender-responsive budgeting|risk assessment|data protection|psychosocial first aid|
  inclusive procurement|conflict mediation
result: applied the new skills within six months|passed the final assessment|joined a peer-support network|
  reported using the guidance in daily work
result2: met the minimum service standards|kept sex-disaggregated records|had a trained focal point|
  published their budgets|had an accessible complaint desk
service: legal aid|psychosocial support|shelters|health services|employment programmes|vocational training
"""
_WORDS: dict[str, tuple[str, ...]] = {
    key: tuple(words.split("|"))
    for key, _, words in (line.partition(": ") for line in _WORD_TEXT.replace("\n  ", "").strip().splitlines())
}


class _Words(dict[str, str]):
    """A template's fields, drawn on first use: words from ``_WORDS`` and fresh numbers."""

    def __init__(self, rng: random.Random, year: int) -> None:
        super().__init__(year=str(year))
        self.rng = rng

    def __missing__(self, key: str) -> str:
        rng, base = self.rng, key.lower()
        numbers = {"n": (2, 48), "n2": (50, 160), "pct": (12, 96), "big": (120, 9800), "big2": (60, 7400)}
        value = f"{rng.randint(*numbers[base]):,}" if base in numbers else rng.choice(_WORDS[base])
        self[key] = value[0].upper() + value[1:] if key[0].isupper() else value
        return self[key]


def _sentence(rng: random.Random, template: str, year: int, used: set[str]) -> str:
    """``template`` filled in, different from every sentence in ``used`` (lint: no repeats in a field)."""
    for _ in range(1000):
        text = template.format_map(_Words(rng, year))
        text = text[0].upper() + text[1:]
        if text not in used:
            used.add(text)
            return text
    raise RuntimeError(f"no new sentence left for {template!r}")  # pragma: no cover - millions of combinations


def _note(rng: random.Random, year: int, status: str, words: tuple[int, int], seen: set[str]) -> str:
    """3-5 paragraphs, ``words[0]``..``words[1]`` words in all (a sentence has under 40 words),
    none of them in ``seen`` (lint: no paragraph shared between outcomes)."""
    while True:
        target, count = rng.randint(words[0], words[1] - 40), rng.randint(3, 5)
        used: set[str] = set()
        paragraphs: list[list[str]] = []
        total = 0
        for index in range(count):
            sentences = [_sentence(rng, _OPENERS[status], year, used)] if index == 0 else []
            total += sum(len(s.split()) for s in sentences)
            while not sentences or total < target * (index + 1) // count:
                sentences.append(_sentence(rng, rng.choice(_SENTENCES), year, used))
                total += len(sentences[-1].split())
            paragraphs.append(sentences)
        texts = [" ".join(p) for p in paragraphs]
        if seen.isdisjoint(texts):
            seen.update(texts)
            return "\n\n".join(texts) + "\n"


def _money(rng: random.Random, low: int, high: int, step: int = 500) -> Decimal:
    """A round amount, or (one time in four) one with cents."""
    amount = Decimal(rng.randint(low // step, high // step) * step)
    return (amount + Decimal(rng.randint(1, 99)) / 100).quantize(CENT) if rng.random() < 0.25 else amount


def _tidy(amount: Decimal) -> Decimal:
    """``85910.00`` -> ``85910``; amounts with cents unchanged."""
    return amount.to_integral_value() if amount == amount.to_integral_value() else amount


def _pick_targets(rng: random.Random, goal: int) -> list[str]:
    """1-3 official target codes of ``goal`` in official order (TARGETS is a set: sorted before drawing)."""
    codes = sorted(
        (t.split(".")[1] for t in TARGETS if t.startswith(f"{goal}.")), key=lambda c: (c.isalpha(), c.zfill(3))
    )
    return [f"{goal}.{c}" for c in sorted(rng.sample(codes, rng.randint(1, 3)), key=codes.index)]


def _indicator(rng: random.Random, number: int, years: tuple[int, int]) -> dict[str, Any]:
    percent = rng.random() < 0.5
    if percent:
        name = f"Percentage of surveyed {rng.choice(_WORDS['people'])} who said they {rng.choice(_WORDS['finding'])}"
        base = Decimal(rng.randint(80, 550)) / 10
        goal = min(Decimal(100), base + Decimal(rng.randint(100, 400)) / 10)
    else:
        name = f"Number of {rng.choice(_WORDS['institutions'])} with {rng.choice(_WORDS['instrument'])}"
        base = Decimal(rng.randint(0, 400))
        goal = base + rng.randint(20, 600)
    actuals: dict[int, Decimal] = {}
    for year in range(years[0], years[1] + 1):
        share = Decimal(year - years[0] + 1) / (years[1] - years[0] + 2)
        value = base + (goal - base) * share * Decimal(rng.randint(70, 110)) / 100
        actuals[year] = value.quantize(Decimal("0.1") if percent else Decimal(1))
    if rng.random() < 0.25 and len(actuals) > 1:  # occasionally one year not measured
        del actuals[rng.choice(sorted(actuals))]
    return {
        "id": f"ind-{number}",
        "type": rng.choice(("common", "complementary")),
        "name": f"{name} in {rng.choice(_WORDS['place'])}",
        "unit": "percent" if percent else "number",
        "baseline": {"year": years[0] - 1, "value": base},
        "target": {"year": years[1] + rng.randint(0, 1), "value": goal},
        "actuals": actuals,
        "source": f"{rng.choice(_WORDS['study']).capitalize()} and programme monitoring",
    }


def _outcome(
    rng: random.Random, number: int, office: dict[str, Any], partner_ids: list[str], cfg: dict[str, Any]
) -> dict[str, Any]:
    start, end = cfg["years"]
    span = range(start, end + 1)
    statement = _STATEMENT.replace("{country}", office["country"])
    statement = _sentence(rng, statement, start, cfg["seen"])
    goals = [5, *rng.sample((1, 3, 4, 8, 10, 11, 13, 16, 17), rng.randint(0, 2))]
    cuts = sorted(rng.sample(range(1, 20), len(goals) - 1))
    shares = [5 * (b - a) for a, b in zip([0, *cuts], [*cuts, 20], strict=True)]
    resources = []
    for year in span:
        budget = {"core": _money(rng, 50_000, 400_000), "non_core": _money(rng, 100_000, 1_500_000)}
        spent = {k: _tidy((v * rng.randint(55, 100) / 100).quantize(CENT, ROUND_DOWN)) for k, v in budget.items()}
        resources.append({"year": year, "budget": budget, "expenditure": spent})
    contributions = []
    low, high = cfg["funders"]
    for partner in rng.sample(partner_ids, rng.randint(min(low, len(partner_ids)), min(high, len(partner_ids)))):
        skipped = rng.choice(span) if rng.random() < 0.3 and len(span) > 1 else None  # a year without money
        for year in span:
            if year == skipped:
                continue
            dev, hum = _money(rng, 10_000, 500_000), Decimal(0)
            if rng.random() < 0.2:
                hum = _money(rng, 5_000, 120_000)
            row: dict[str, Any] = {"partner": partner, "year": year, "development": dev, "humanitarian": hum}
            if rng.random() < 0.4:
                row["total"] = dev + hum
            contributions.append(row)
    statuses = ("achieved", "significant_progress", "some_progress", "not_achieved", "not_assessed")
    progress = []
    for year in span:
        status = rng.choices(statuses, weights=(2, 4, 4, 1, 1))[0]
        progress.append({"year": year, "status": status, "note": _note(rng, year, status, cfg["words"], cfg["seen"])})
    return {
        "id": f"o{number:04d}",
        "office": office["id"],
        "short_title": f"{rng.choice(_WORDS['theme']).capitalize()} {rng.choice(_WORDS['qualifier'])}",
        "statement": statement,
        "period": {"start": start, "end": end},
        "strategic_plan": {
            "impact_areas": rng.sample(_WORDS["impact_area"], rng.randint(1, 2)),
            "systemic_outcomes": rng.sample(_WORDS["systemic"], rng.randint(1, 3)),
            "organizational_outputs": rng.sample(_WORDS["output"], rng.randint(1, 2)),
        },
        "sdgs": [{"goal": g, "targets": _pick_targets(rng, g)} for g in sorted(goals)],
        "resources": resources,
        "sdg_allocation": [{"goal": g, "share": s} for g, s in zip(goals, shares, strict=True)],
        "indicators": [_indicator(rng, i, cfg["years"]) for i in range(1, rng.randint(*cfg["indicators"]) + 1)],
        "contributions": contributions,
        "progress": progress,
    }


def _partner(index: int, rng: random.Random) -> dict[str, str]:
    """Government of X, X Development Agency, Y Foundation, UN Z Fund, in turn."""
    kind = index % 4
    pool = [[c for c, _ in COUNTRIES], _WORDS["agency"], _WORDS["foundation"], _WORDS["un_fund"]][kind]
    label = pool[(index // 4) % len(pool)]
    names = (f"Government of {label}", f"{label} Development Agency", f"{label} Foundation", f"UN {label} Fund")
    types = ("Government", "Bilateral agency", "Private foundation", "United Nations pooled fund")
    rounds = index // (4 * len(pool))
    partner = {
        "id": f"p{index + 1:03d}",
        "name": names[kind] + (f" {rounds + 1}" if rounds else ""),
        "type": types[kind],
    }
    if kind == 0 and rng.random() < 0.5:
        partner["short_name"] = label
    return partner


class _Dumper(yaml.SafeDumper):
    """The safe dumper, with exact Decimals and notes as literal blocks."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    if value.as_tuple().exponent == 0:
        return dumper.represent_int(int(value))
    return dumper.represent_scalar("tag:yaml.org,2002:float", str(value))


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(str, _represent_str)


def _write(path: Path, data: dict[str, Any], seed: int) -> None:
    header = f"# Synthetic data generated by reportgen.synthetic (seed {seed}): not real programme figures.\n"
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(header + text, encoding="utf-8")


def write_dataset(
    target: Path,
    outcomes: int,
    *,
    seed: int = 0,
    offices: int | None = None,
    partners: int | None = None,
    note_words: tuple[int, int] = (300, 600),
    years: tuple[int, int] = (2021, 2024),
    indicators: tuple[int, int] = (5, 10),
    funders: tuple[int, int] = (3, 8),
) -> Path:
    """Write ``target/organization.yaml`` and ``target/outcomes/o0001.yaml``...; return ``target``.

    Each outcome has ``indicators[0]``..``indicators[1]`` indicators and ``funders[0]``..``funders[1]``
    funding partners (fewer when there are fewer partners); small ranges and one year make small
    reports, for tests that need many outcomes but not large reports.

    Files already in ``target/outcomes/`` with other names are left alone (and would be loaded too).
    """
    offices = max(1, outcomes // 8) if offices is None else offices
    partners = max(3, min(40, outcomes // 4)) if partners is None else partners
    if outcomes < 1 or offices < 1 or partners < 1:
        raise ValueError("outcomes, offices and partners must be at least 1")
    if not (note_words[0] >= 120 and note_words[0] + 60 <= note_words[1] <= 1000):
        raise ValueError("note_words must be (low, high) with 120 <= low, low + 60 <= high <= 1000")
    if not (1 <= indicators[0] <= indicators[1] and 1 <= funders[0] <= funders[1]):
        raise ValueError("indicators and funders must be (low, high) with 1 <= low <= high")
    if not 1901 <= years[0] <= years[1] <= 2199:
        raise ValueError("years must be (start, end) with start <= end, within 1901-2199")
    rng = random.Random(seed)
    office_rows = []
    for index in range(offices):
        country, code = COUNTRIES[index % len(COUNTRIES)]
        extra = f" {index // len(COUNTRIES) + 1}" if index >= len(COUNTRIES) else ""
        name = f"{country} Country Office{extra}"
        office_rows.append({"id": f"off{index + 1:02d}", "name": name, "country": country, "country_code": code})
        office_rows[-1]["locale"] = "en_US"
    partner_rows = [_partner(index, rng) for index in range(partners)]
    organization = {
        "organization": {
            "id": "synthetic-org",
            "name": "Synthetic Organization for Gender Equality",
            "short_name": "SynthOrg",
            "currency": "USD",
            "locale": "en_US",
            "language": "en",
            "data_source": "reportgen.synthetic (generated, not real figures)",
            "data_as_of": dt.date(years[1] + 1, 3, 31),
        },
        "offices": office_rows,
        "partners": partner_rows,
    }
    target = Path(target)
    (target / "outcomes").mkdir(parents=True, exist_ok=True)
    _write(target / "organization.yaml", organization, seed)
    cfg: dict[str, Any] = {
        "years": years,
        "words": note_words,
        "seen": set(),
        "indicators": indicators,
        "funders": funders,
    }
    partner_ids = [p["id"] for p in partner_rows]
    for number in range(1, outcomes + 1):
        data = _outcome(rng, number, office_rows[(number - 1) % offices], partner_ids, cfg)
        _write(target / "outcomes" / f"{data['id']}.yaml", data, seed)
    return target


def main(argv: list[str] | None = None) -> int:
    """``python -m reportgen.synthetic --outcomes N --out DIR [--seed S]``."""
    parser = argparse.ArgumentParser(
        prog="python -m reportgen.synthetic", description="Write a synthetic reportgen dataset."
    )
    parser.add_argument("--outcomes", type=int, required=True, help="number of outcome files")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (created if missing)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--offices", type=int, default=None, help="number of offices (default outcomes // 8)")
    parser.add_argument("--partners", type=int, default=None, help="number of partners (default outcomes // 4)")
    args = parser.parse_args(argv)
    try:
        path = write_dataset(args.out, args.outcomes, seed=args.seed, offices=args.offices, partners=args.partners)
    except ValueError as exc:
        parser.error(str(exc))
    print(f"wrote {args.outcomes} outcomes to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
