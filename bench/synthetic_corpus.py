"""A synthetic corpus of Dutch municipal policy documents, for growth benchmarks.

Usage: ``python -m bench.synthetic_corpus --scale 10 --out /tmp/corpus-x10 [--seed 0]``.

The bundled corpus is five documents of about 10,000 lines. ``--scale N`` writes ``5 × N``
documents of about ``2,000`` lines each (×10: 50 documents, about 100,000 lines; ×100: 500
documents, about a million lines) and a ``manifest.toml`` with their titles. Every document is
built from its own random draw (seeded, so a scale always gives the same files): one of 30
municipalities, a document type (uitvoeringsprogramma, evaluatie, beleidskader, raadsbrief,
raadsvoorstel), a year between 2016 and 2026 and four to seven policy themes. Its text is
numbered sections of sentences with figures written the way the real documents write them
(``1.234``, ``21,3%``, ``€ 2,4 miljoen``, spelled numbers), periods (quarters, years, a
peildatum, ranges), bulleted lists under a lead sentence, tables with year columns, and lines
wrapped at about 60 characters as in a PDF export. Nothing is copied from the bundled corpus,
so the synthetic text does not change what its questions find.
"""

from __future__ import annotations

import argparse
import random
import textwrap
from dataclasses import dataclass
from pathlib import Path

MUNICIPALITIES = (
    "Enschede", "Hengelo", "Almelo", "Oldenzaal", "Borne", "Haaksbergen", "Hof van Twente",
    "Losser", "Rijssen-Holten", "Wierden", "Tubbergen", "Dinkelland", "Twenterand",
    "Hellendoorn", "Zwolle", "Deventer", "Apeldoorn", "Arnhem", "Nijmegen", "Amersfoort",
    "Groningen", "Leeuwarden", "Tilburg", "Eindhoven", "Breda", "Venlo", "Emmen", "Assen",
    "Doetinchem", "Zutphen",
)  # fmt: skip
DOC_TYPES = {
    "uitvoeringsprogramma": "Uitvoeringsprogramma {theme} {year}",
    "evaluatie": "Evaluatie {theme} {year}",
    "beleidskader": "Beleidskader {theme} {year}-{end}",
    "raadsbrief": "Raadsbrief voortgang {theme} {year}",
    "raadsvoorstel": "Raadsvoorstel {theme} {year}",
}


@dataclass(frozen=True)
class Theme:
    name: str
    subjects: tuple[str, ...]  # what is counted
    measures: tuple[str, ...]  # what happened to it
    partners: tuple[str, ...]
    aims: tuple[str, ...]


THEMES = (
    Theme(
        "re-integratie",
        (
            "loonkostensubsidie contracten",
            "werkfittrajecten",
            "proefplaatsingen",
            "leerwerktrajecten",
            "jobcoachtrajecten",
        ),
        ("gestart", "beëindigd", "lopend", "uitgestroomd naar werk"),
        ("het Werkgeversservicepunt", "de uitvoeringsorganisatie", "regionale werkgevers"),
        (
            "meer inwoners duurzaam aan het werk",
            "kortere trajecten naar betaald werk",
            "een betere aansluiting op de vraag van werkgevers",
        ),
    ),
    Theme(
        "participatie",
        (
            "deelnemers aan activeringstrajecten",
            "vrijwilligers",
            "taalcursisten",
            "inwoners met een participatieplan",
        ),
        ("ingestroomd", "actief", "afgerond", "doorgestroomd"),
        ("welzijnsorganisaties", "buurtteams", "het sociaal wijkteam"),
        ("meedoen naar vermogen", "minder eenzaamheid", "zelfredzaamheid van inwoners"),
    ),
    Theme(
        "schuldhulpverlening",
        (
            "aanmeldingen schuldhulp",
            "budgetbeheertrajecten",
            "saneringskredieten",
            "vroegsignaleringen",
        ),
        ("aangemeld", "gestart", "afgerond", "doorverwezen"),
        ("de kredietbank", "woningcorporaties", "energieleveranciers"),
        (
            "eerder hulp bij betalingsachterstanden",
            "minder huisuitzettingen",
            "schuldenvrij na drie jaar",
        ),
    ),
    Theme(
        "bijstand",
        (
            "bijstandsuitkeringen",
            "uitkeringsgerechtigden",
            "nieuwe aanvragen",
            "huishoudens in de bijstand",
        ),
        ("verstrekt", "ingestroomd", "uitgestroomd", "beëindigd"),
        ("het UWV", "de Sociale Verzekeringsbank", "de afdeling Inkomen"),
        (
            "een dalend bijstandsvolume",
            "snelle afhandeling van aanvragen",
            "rechtmatige verstrekking",
        ),
    ),
    Theme(
        "jeugdzorg",
        (
            "jeugdhulptrajecten",
            "gezinnen met jeugdhulp",
            "verwijzingen via de huisarts",
            "pleegzorgplaatsingen",
        ),
        ("gestart", "afgesloten", "lopend", "verwezen"),
        ("het jeugdteam", "zorgaanbieders", "scholen en kinderopvang"),
        ("lichtere hulp dichtbij huis", "minder uithuisplaatsingen", "kortere wachttijden"),
    ),
    Theme(
        "Wmo",
        (
            "maatwerkvoorzieningen",
            "huishoudelijke ondersteuning",
            "woningaanpassingen",
            "meldingen bij het Wmo-loket",
        ),
        ("toegekend", "aangevraagd", "beëindigd", "geïndiceerd"),
        ("thuiszorgorganisaties", "mantelzorgers", "het Wmo-loket"),
        (
            "langer zelfstandig thuis wonen",
            "ontlasting van mantelzorgers",
            "passende ondersteuning",
        ),
    ),
    Theme(
        "armoedebeleid",
        (
            "aanvragen bijzondere bijstand",
            "kindpakketten",
            "gebruikers van de stadspas",
            "huishoudens met een minimuminkomen",
        ),
        ("verstrekt", "aangevraagd", "bereikt", "toegekend"),
        ("het Jeugdfonds Sport en Cultuur", "de voedselbank", "maatschappelijke partners"),
        ("meer bereik van minimaregelingen", "geen kind buitengesloten", "minder niet-gebruik"),
    ),
    Theme(
        "huisvesting statushouders",
        (
            "gehuisveste statushouders",
            "woningen voor statushouders",
            "inburgeraars",
            "taaltrajecten",
        ),
        ("gehuisvest", "gestart", "afgerond", "ingestroomd"),
        ("het COA", "woningcorporaties", "VluchtelingenWerk"),
        (
            "tijdige huisvesting volgens de taakstelling",
            "snelle start met inburgering",
            "werk naast de taal",
        ),
    ),
    Theme(
        "beschut werk",
        (
            "beschut werkplekken",
            "indicaties beschut werk",
            "detacheringen",
            "medewerkers in de sociale werkvoorziening",
        ),
        ("gerealiseerd", "aangevraagd", "geplaatst", "uitgestroomd"),
        ("het werkbedrijf", "sociale ondernemingen", "regionale werkgevers"),
        ("voldoende beschutte plekken", "werk naar vermogen", "doorstroom naar regulier werk"),
    ),
)

OPENERS = (
    "In {period} zijn er {value} {subject} {measure}.",
    "Het aantal {subject} dat in {period} is {measure}, bedraagt {value}.",
    "Over {period} zien we dat {value} {subject} zijn {measure}.",
    "In {municipality} zijn in {period} in totaal {value} {subject} {measure}.",
    "Tot en met {period} zijn {value} {subject} {measure}; dat is {trend} dan een jaar eerder.",
    "Op peildatum {date} waren {value} {subject} {measure}.",
    "We verwachten dat in {period} ongeveer {value} {subject} worden {measure}.",
    "Ons doel is dat in {period} ten minste {value} {subject} zijn {measure}.",
)
SHARES = (
    "Van alle {subject} is {pct} binnen zes maanden {measure}.",
    "Het aandeel {subject} dat is {measure}, steeg in {period} naar {pct}.",
    "{pct} van de {subject} is {measure}; landelijk is dat {pct2}.",
)
MONEY = (
    "Voor {theme} is in {period} een budget van {money} beschikbaar.",
    "De uitgaven aan {theme} bedroegen in {period} {money}.",
    "Het college stelt voor om {money} extra in te zetten voor {theme} vanaf {year}.",
    "In de begroting {year} is voor {theme} {money} geraamd, waarvan {money2} voor {partner}.",
)
PROSE = (
    "Samen met {partner} werken we aan {aim}.",
    "De uitvoering ligt bij {partner}, die daarover elk kwartaal rapporteert aan het college.",
    "We zien dat de doelgroep complexer wordt, waardoor trajecten langer duren dan gepland.",
    "In gesprekken met inwoners horen we dat {aim} voor hen het belangrijkste is.",
    "De gemeenteraad van {municipality} heeft gevraagd om meer inzicht in de resultaten.",
    "Daarom kiezen we voor een aanpak waarin {aim} centraal staat.",
    "De krapte op de arbeidsmarkt biedt kansen, maar vraagt ook om maatwerk per inwoner.",
    "We evalueren de aanpak jaarlijks en stellen die zo nodig bij.",
    "Een deel van de resultaten is nog niet definitief, omdat {partner} later rapporteert.",
    "De wachttijd is afgenomen doordat {partner} extra capaciteit heeft ingezet.",
    "Dit sluit aan bij de landelijke ontwikkeling, al is de daling in {municipality} sterker.",
    "We blijven investeren in {aim}, ook als de rijksbijdrage lager uitvalt.",
)
SECTION_TITLES = (
    "Inleiding", "Aanleiding", "Resultaten {year}", "Doelen en indicatoren", "Financiën",
    "Ontwikkelingen", "Samenwerking met partners", "Risico's", "Vooruitblik", "Monitoring",
    "Uitvoering", "Communicatie", "Evaluatie", "Planning",
)  # fmt: skip
SPELLED = {2: "twee", 3: "drie", 4: "vier", 5: "vijf", 6: "zes", 8: "acht", 10: "tien"}
QUARTERS = ("het eerste kwartaal", "het tweede kwartaal", "het derde kwartaal", "Q4")
MONTHS = ("januari", "maart", "april", "juni", "juli", "september", "oktober", "december")


def dutch_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def dutch_pct(rng: random.Random) -> str:
    return f"{rng.uniform(2, 95):.1f}%".replace(".", ",")


def dutch_money(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"€ {rng.uniform(0.2, 40):.1f} miljoen".replace(".", ",")
    return f"€ {dutch_int(rng.randrange(20_000, 990_000, 500))}"


class DocumentWriter:
    """One synthetic document: its draw and its lines."""

    def __init__(self, rng: random.Random, index: int) -> None:
        self.rng = rng
        self.municipality = rng.choice(MUNICIPALITIES)
        self.doc_type = rng.choice(tuple(DOC_TYPES))
        self.year = rng.randint(2016, 2026)
        self.themes = rng.sample(THEMES, rng.randint(4, 7))
        main = self.themes[0].name
        title = DOC_TYPES[self.doc_type].format(theme=main, year=self.year, end=self.year + 4)
        self.title = f"{title} gemeente {self.municipality}"
        self.file_name = f"syn{index:04d}_{self.municipality.lower().replace(' ', '-')}.txt"
        self.lines: list[str] = []

    # ----- pieces ------------------------------------------------------------------------
    def period(self) -> str:
        rng, year = self.rng, self.year - self.rng.randint(0, 2)
        kind = rng.random()
        if kind < 0.35:
            return str(year)
        if kind < 0.6:
            return f"{rng.choice(QUARTERS)} van {year}"
        if kind < 0.75:
            return f"de eerste drie kwartalen van {year}"
        if kind < 0.9:
            return f"de periode {year - 2}-{year}"
        return f"{rng.choice(MONTHS)} {year}"

    def value(self) -> str:
        rng = self.rng
        n = rng.choice((rng.randint(2, 60), rng.randint(60, 900), rng.randint(900, 25_000)))
        if n in SPELLED and rng.random() < 0.5:
            return SPELLED[n]
        return dutch_int(n)

    def sentence(self, theme: Theme) -> str:
        rng = self.rng
        roll = rng.random()
        fill = {
            "subject": rng.choice(theme.subjects),
            "measure": rng.choice(theme.measures),
            "partner": rng.choice(theme.partners),
            "aim": rng.choice(theme.aims),
            "theme": theme.name,
            "municipality": self.municipality,
            "period": self.period(),
            "value": self.value(),
            "pct": dutch_pct(rng),
            "pct2": dutch_pct(rng),
            "money": dutch_money(rng),
            "money2": dutch_money(rng),
            "year": str(self.year + rng.randint(0, 2)),
            "trend": rng.choice(("meer", "minder", "iets meer", "fors minder")),
            "date": f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {self.year}",
        }
        pool = OPENERS if roll < 0.3 else SHARES if roll < 0.4 else MONEY if roll < 0.5 else PROSE
        return rng.choice(pool).format(**fill)

    def paragraph(self, theme: Theme) -> None:
        text = " ".join(self.sentence(theme) for _ in range(self.rng.randint(3, 7)))
        self.lines.extend(textwrap.wrap(text, width=self.rng.randint(55, 70)))
        self.lines.append("")

    def bullet_list(self, theme: Theme) -> None:
        rng = self.rng
        self.lines.append(f"Voor {theme.name} hebben we de volgende resultaten bereikt:")
        for subject in rng.sample(theme.subjects, min(len(theme.subjects), rng.randint(2, 4))):
            measure = rng.choice(theme.measures)
            self.lines.append(f"- {subject.capitalize()} {measure}: {self.value()}")
        self.lines.append("")

    def table(self, theme: Theme) -> None:
        rng = self.rng
        years = [self.year - 3 + i for i in range(3)]
        self.lines.append(f"Tabel: {theme.name} in {self.municipality}, {years[0]}-{years[-1]}")
        self.lines.append("Indicator " + " ".join(str(y) for y in years))
        for subject in theme.subjects:
            label = f"{subject.capitalize()} {rng.choice(theme.measures)}"
            self.lines.append(
                f"{label} " + " ".join(dutch_int(rng.randint(10, 5000)) for _ in years)
            )
        self.lines.append("")

    def write(self, target_lines: int) -> str:
        rng = self.rng
        self.lines = [self.title.upper(), "", f"Gemeente {self.municipality}, {self.year}", ""]
        section = 0
        while len(self.lines) < target_lines:
            section += 1
            theme = rng.choice(self.themes)
            heading = rng.choice(SECTION_TITLES).format(year=self.year)
            self.lines += [f"{section}. {heading} {theme.name}", ""]
            for sub in range(1, rng.randint(2, 5)):
                self.lines += [f"{section}.{sub} {rng.choice(theme.subjects).capitalize()}", ""]
                for _ in range(rng.randint(1, 4)):
                    pick = rng.random()
                    if pick < 0.65:
                        self.paragraph(theme)
                    elif pick < 0.85:
                        self.bullet_list(theme)
                    else:
                        self.table(theme)
        return "\n".join(self.lines) + "\n"


def write_corpus(out: Path, scale: int, seed: int = 0, lines_per_doc: int = 2400) -> list[Path]:
    """Write ``5 × scale`` documents and their manifest into ``out``; return the files."""
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    manifest: list[str] = []
    for index in range(5 * scale):
        rng = random.Random(f"{seed}:{index}")
        writer = DocumentWriter(rng, index)
        path = out / writer.file_name
        path.write_text(writer.write(rng.randint(lines_per_doc // 2, lines_per_doc * 3 // 2)))
        files.append(path)
        manifest.append(
            f'["{writer.file_name}"]\ntitle = "{writer.title}"\n'
            f'municipality = "{writer.municipality}"\nyear = {writer.year}\n'
            f'doc_type = "{writer.doc_type}"\naccess = "public"\n'
        )
    (out / "manifest.toml").write_text("\n".join(manifest), encoding="utf-8")
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10, help="×N the bundled corpus (5N docs)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    files = write_corpus(args.out, args.scale, args.seed)
    lines = sum(p.read_text(encoding="utf-8").count("\n") for p in files)
    print(f"{len(files)} documents, {lines} lines in {args.out}")


if __name__ == "__main__":
    main()
