"""Builds the demo prefecture (and the benchmark dataset) fast, with every invariant the services keep.

Rows are inserted in bulk with explicit ids, so the data is deterministic for a given seed and day, and the
per-row services are bypassed for speed. What those services guarantee is reproduced here:
- orgs: path/depth/ancestry from `services._set_tree_fields` (the same function), pinyin keys, full_clean;
- people: ancestry copied with `set_org`, pinyin keys, `full_clean()` (ID check digit, birth date and gender
  agreeing with the ID number, joining at 18 or older, full membership dates), unique ID numbers; the blind
  indexes are set by EncryptedCharField.pre_save, which bulk_create calls too;
- positions: at most one current secretary per organization, holders are current full members, start <= end;
- transfers: destination ancestry copied, dates after joining and not in the future.
One audit entry `demo.load` records the counts.
"""

import datetime
import functools
import random
import time

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.core import audit, metrics
from dangjian.core.dbtuning import optimize
from dangjian.core.pinyin import org_name_keys, person_name_keys
from dangjian.orgs.models import Level, Org, Person, Position, Transfer, _add_years
from dangjian.orgs.services import _set_tree_fields

from . import data, registry, synthetic

BATCH = 1000
PEOPLE_FLUSH = 20000  # people generated before they (and their positions) are written
# Rows a wipe keeps: the append-only audit log and Django's own metadata.
KEEP_MODELS = {"core.auditentry", "core.audithead", "contenttypes.contenttype", "auth.permission", "auth.group",
               "auth.group_permissions"}


@functools.cache
def _pinyin(name, keys=org_name_keys):
    found = keys(name)
    return found.full, found.initials, found.alt


def _weighted(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _years_before(day, years):
    return _add_years(day, -years)


class PrefectureBuilder:
    def __init__(self, scale, *, seed=4228, today=None, log=None):
        self.scale = scale
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.log = log or (lambda msg: None)
        self.next_org_id = self.next_person_id = self.next_position_id = 1
        self.orgs, self.people, self.positions, self.transfers = [], [], [], []
        self.counts = {"orgs": 0, "people": 0, "positions": 0, "transfers": 0}
        self.pools = {}  # org id -> people who may hold its posts (eligible members below it)
        self.leaves_by_county = {}  # county id -> orgs that hold members, for transfers
        self.id_numbers = set()
        self.named = {}  # data.Account.where -> Org
        self.secretaries = {}  # org id -> Person (current secretary)
        self.holders = {}  # (org id, title) -> Person holding that current post
        self.members = {}  # member-holding org id -> its people

    # --- organizations -----------------------------------------------------------------------------------
    def add_org(self, parent, name, code, level, kind, sector, *, division_code="", term_years=5, term="random"):
        org = Org(
            id=self.next_org_id, parent=parent, name=name, code=code, level=level, kind=kind, sector=sector,
            division_code=division_code,
        )
        self.next_org_id += 1
        org.pinyin, org.pinyin_initials, org.pinyin_alt = _pinyin(name)
        org.term_start, org.term_end = self.term_dates(term_years, term)
        _set_tree_fields(org)
        org.full_clean(exclude=["parent", *data_ancestry()], validate_unique=False, validate_constraints=False)
        self.orgs.append(org)
        return org

    def term_dates(self, years, term):
        rng, today = self.rng, self.today
        if term == "random":
            draw = rng.random()
            term = "ended" if draw < data.TERM_SHARES["ended"] else (
                "ending" if draw < data.TERM_SHARES["ended"] + data.TERM_SHARES["ending"] else "current")
        if term == "ended":
            end = today - datetime.timedelta(days=rng.randint(15, 240))
        elif term == "ending":
            end = today + datetime.timedelta(days=rng.randint(7, 175))
        else:
            end = today + datetime.timedelta(days=rng.randint(200, years * 365 - 30))
        return _years_before(end, years), end

    def build_tree(self):
        p = data.PREFECTURE
        zhou = self.add_org(None, p["name"], p["code"], Level.PREFECTURE, Org.Kind.COMMITTEE,
                            Org.Sector.LEADERSHIP, division_code=p["division_code"], term="current")
        self.named["prefecture"] = zhou
        zhou_organs = [
            self.add_org(zhou, name, f"{p['code']}9{i:02d}", Level.BRANCH, Org.Kind.BRANCH, Org.Sector.ORGAN,
                         term_years=3)
            for i, name in enumerate(data.PREFECTURE_ORGAN_BRANCHES, 1)
        ]
        self.named.update((f"organ:{org.name}", org) for org in zhou_organs)
        self.team_sources = {zhou.pk: ("prefecture", zhou_organs)}
        self.member_orgs = []
        for org in zhou_organs:
            self.add_member_org(org, "organ", data.COUNTIES[0][2], "organ")
        for short, committee, division, townships in data.COUNTIES:
            county = self.add_org(zhou, committee, division, Level.COUNTY, Org.Kind.COMMITTEE,
                                  Org.Sector.LEADERSHIP, division_code=division, term="current")
            self.named[f"county:{short}"] = county
            self.leaves_by_county[county.pk] = []
            organs = [
                self.add_org(county, f"{short}{suffix}", f"{division}9{i:02d}", Level.BRANCH, Org.Kind.BRANCH,
                             Org.Sector.ORGAN, term_years=3)
                for i, suffix in enumerate(data.COUNTY_ORGAN_BRANCHES, 1)
            ]
            self.team_sources[county.pk] = ("county", organs)
            self.named.update((f"organ:{org.name}", org) for org in organs)
            for org in organs:
                self.add_member_org(org, "organ", division, "organ")
            for township_name, township_code in self.township_codes(division, townships):
                self.build_township(county, township_name, township_code, division)
        self.log(f"  {len(self.orgs)} organizations")
        return zhou

    def add_member_org(self, org, kind, region, team_kind):
        """An org whose members are generated directly (kind: rural/community/organ; region: ID number prefix)."""
        self.member_orgs.append((org, kind, region))
        self.team_sources[org.pk] = (team_kind, [org])

    def township_codes(self, division, townships):
        counters = {"街道": 1, "镇": 100, "乡": 200, "区": 400}
        coded = []
        for name in townships:
            kind = "街道" if name.endswith("街道") else name[-1]
            coded.append((name, f"{division}{counters[kind]:03d}"))
            counters[kind] += 1
        if self.scale.townships_per_county is None:
            return coded
        keep = coded[: self.scale.townships_per_county]
        return keep + [t for t in coded[self.scale.townships_per_county:] if t[0] in data.REQUIRED_TOWNSHIPS]

    def build_township(self, county, name, code, division):
        rng, scale = self.rng, self.scale
        street = name.endswith("街道")
        township = self.add_org(
            county, f"中共{name}{'工作' if street or name.endswith('区') else ''}委员会", code, Level.TOWNSHIP,
            Org.Kind.WORKING_COMMITTEE if street or name.endswith("区") else Org.Kind.COMMITTEE,
            Org.Sector.LEADERSHIP, division_code=code,
        )
        self.named[f"township:{name}"] = township
        organ = self.add_org(township, f"{name}机关党支部", f"{code}901", Level.BRANCH, Org.Kind.BRANCH,
                             Org.Sector.ORGAN, term_years=3)
        self.team_sources[township.pk] = ("township", [organ])
        self.add_member_org(organ, "organ", division, "organ")
        numbers = {True: 0, False: 200}  # 居委会 codes 0xx, 村委会 codes 2xx
        for village_name, community in self.village_names(name, rng.randint(*scale.villages), street):
            numbers[community] += 1
            self.build_village(township, village_name, community, division, f"{code}{numbers[community]:03d}")

    def village_names(self, township, count, street):
        """(name, is_community) pairs: real villages first, then 社区 (most of a street, one in a town)."""
        rng = self.rng
        stem = township.removesuffix("街道")
        for suffix in ("侗族乡", "白族乡", "镇", "乡", "区"):
            stem = stem.removesuffix(suffix)
        names = [(n, False) for n in data.KNOWN_VILLAGES.get(township, [])][:count]
        communities = max(1, round(count * 0.7)) if street else 1
        taken = {n for n, _ in names}
        if not street and len(names) < count:
            names.append((f"{stem}社区", True))
            taken.add(names[-1][0])
        while len(names) < count:
            community = sum(1 for _, c in names if c) < communities
            heads = data.COMMUNITY_HEADS if community else data.VILLAGE_HEADS
            name = rng.choice(heads) + ("社区" if community else rng.choice(data.VILLAGE_TAILS) + "村")
            if name not in taken:
                taken.add(name)
                names.append((name, community))
        return names

    def build_village(self, township, name, community, division, code):
        rng, scale = self.rng, self.scale
        if name == data.WUJIATAI:
            branch_names = data.WUJIATAI_BRANCHES
        elif rng.random() < scale.branch_share:
            count = rng.randint(*scale.branches)
            branch_names = [f"第{data.ORDINALS[i]}{'网格' if community else ''}党支部" for i in range(count)]
            if count > 1 and rng.random() < 0.4:
                specials = data.COMMUNITY_SPECIAL_BRANCHES if community else data.VILLAGE_SPECIAL_BRANCHES
                branch_names[-1] = rng.choice(specials)
        else:
            branch_names = []
        kind = (Org.Kind.BRANCH if not branch_names
                else Org.Kind.COMMITTEE if len(branch_names) >= 6 else Org.Kind.GENERAL_BRANCH)
        suffix = {Org.Kind.BRANCH: "支部委员会", Org.Kind.GENERAL_BRANCH: "总支部委员会",
                  Org.Kind.COMMITTEE: "委员会"}[kind]
        sector = Org.Sector.COMMUNITY if community else Org.Sector.RURAL
        village = self.add_org(township, f"中共{name}{suffix}", code, Level.VILLAGE, kind, sector,
                               division_code=code)
        if name == data.WUJIATAI:
            self.named[f"village:{name}"] = village
        if not community:
            self.named.setdefault(f"village-of:{township_short(township)}", village)
        kind_key = "community" if community else "rural"
        if not branch_names:
            self.add_member_org(village, kind_key, division, "village")
            return
        branches = []
        for i, branch_name in enumerate(branch_names, 1):
            joint = "联合" in branch_name
            branch = self.add_org(
                village, f"{name}{branch_name}", f"{code}{i:02d}", Level.BRANCH,
                Org.Kind.JOINT_BRANCH if joint else Org.Kind.BRANCH,
                Org.Sector.ENTERPRISE if joint else sector, term_years=3,
            )
            branches.append(branch)
            self.add_member_org(branch, kind_key, division, "branch")
        self.team_sources[village.pk] = ("village", branches)

    # --- people ---------------------------------------------------------------------------------------------
    def make_person(self, org, kind, region, local_ethnicity=None):
        rng, today = self.rng, self.today
        probationary = rng.random() < data.PROBATIONARY_SHARE
        age_low, age_high, age_mode = data.AGE[kind]
        if probationary:
            age_high, age_mode = min(age_high, 45), min(age_mode, 28)
        age = rng.triangular(age_low, age_high, age_mode)
        birth = today - datetime.timedelta(days=int(age * 365.25) + rng.randint(1, 300))
        adult = _add_years(birth, 18)
        if probationary:
            joined = max(today - datetime.timedelta(days=rng.randint(10, 330)), adult)
            full = None
        else:
            join_age = rng.triangular(18, min(age - 1.5, 60), min(27, age - 1.5))
            joined = max(birth + datetime.timedelta(days=int(join_age * 365.25)), adult)
            joined = min(joined, today - datetime.timedelta(days=430))
            full = _add_years(joined, 1) + datetime.timedelta(days=rng.randint(0, 60))
        male = rng.random() < data.MALE_SHARE[kind]
        while True:
            id_number = synthetic.id_number(birth, male, region, rng=rng)
            if id_number not in self.id_numbers:
                self.id_numbers.add(id_number)
                break
        ethnicity = _weighted(rng, data.ETHNICITY_WEIGHTS)
        if local_ethnicity and rng.random() < 0.3:
            ethnicity = local_ethnicity
        education = _weighted(rng, data.EDUCATION_WEIGHTS[kind])
        if age < 35 and education in ("junior", "high_school") and rng.random() < 0.6:
            education = rng.choice(("college", "bachelor"))
        status = _weighted(rng, data.STATUS_WEIGHTS)
        if (status == "deceased" and age < 65) or (status == "mobile" and kind == "organ"):
            status = "normal"
        person = Person(
            id=self.next_person_id, name=synthetic.name(rng, male=male), gender="M" if male else "F",
            ethnicity=ethnicity,
            birth_date=birth, id_number=id_number, phone=synthetic.mobile(rng), education=education,
            category="probationary" if probationary else "full", joined_on=joined, full_member_on=full,
            status=status,
        )
        self.next_person_id += 1
        person.set_org(org)
        person.pinyin, person.pinyin_initials, person.pinyin_alt = _pinyin(person.name, person_name_keys)
        person.full_clean(exclude=["org", *data_ancestry()], validate_unique=False, validate_constraints=False)
        self.people.append(person)
        return person

    def build_people(self):
        """Members of every member-holding org, then the teams of the orgs above them, flushed in chunks."""
        ranges = {"organ": self.scale.members_organ, "rural": self.scale.members_leaf_village,
                  "community": self.scale.members_leaf_village}
        ethnic_by_township = {}
        for org in self.orgs:
            if org.level == Level.TOWNSHIP:
                local = [code for suffix, code in data.LOCAL_ETHNICITY.items() if suffix in org.name]
                ethnic_by_township[org.pk] = local[0] if local else None
        members = {}
        for org, kind, region in self.member_orgs:
            low_high = self.scale.members_branch if org.level == Level.BRANCH and kind != "organ" else ranges[kind]
            local = ethnic_by_township.get(org.township_id)
            members[org.pk] = [self.make_person(org, kind, region, local) for _ in range(self.rng.randint(*low_high))]
            self.members[org.pk] = members[org.pk]
            if org.county_id:
                self.leaves_by_county[org.county_id].append(org)
            if len(self.people) >= PEOPLE_FLUSH:
                self.flush_people()
        by_id = {org.pk: org for org in self.orgs}
        for org_id, (team_kind, sources) in self.team_sources.items():
            pool = [p for src in sources for p in members[src.pk]]
            self.build_team(by_id[org_id], team_kind, pool)
            if len(self.positions) >= PEOPLE_FLUSH:
                self.flush_people()
        self.build_transfers(members)
        self.flush_people()

    def build_team(self, org, team_kind, pool):
        rng = self.rng
        eligible_age = 62 if team_kind in ("prefecture", "county", "township") else 70
        eligible = [
            p for p in pool
            if p.status == "normal" and p.category == "full"
            and p.birth_date > _years_before(self.today, eligible_age)
        ]
        titles = [title for title, share in data.TEAMS[team_kind] if rng.random() < share]
        special = org.level <= Level.TOWNSHIP or org.name.startswith(f"中共{data.WUJIATAI}")
        skip_secretary = not special and org.level >= Level.VILLAGE and rng.random() < data.NO_SECRETARY_SHARE
        if not skip_secretary:
            titles.insert(0, "secretary")
        holders = rng.sample(eligible, min(len(titles), len(eligible)))
        start = org.term_start or self.today - datetime.timedelta(days=rng.randint(60, 1500))
        for title, person in zip(titles, holders, strict=False):
            self.add_position(org, person, title, max(start, person.full_member_on))
            self.holders.setdefault((org.pk, title), person)
            if title == "secretary":
                self.secretaries[org.pk] = person
        if not skip_secretary and holders and org.term_start and rng.random() < data.PREVIOUS_SECRETARY_SHARE:
            former = [p for p in pool if p is not holders[0] and p.full_member_on
                      and p.full_member_on < _years_before(org.term_start, 5)]
            if former:
                person = rng.choice(former)
                self.add_position(org, person, "secretary", _years_before(org.term_start, 5),
                                  end=max(org.term_start, person.full_member_on))

    def add_position(self, org, person, title, start, end=None):
        start = min(start, self.today)
        position = Position(id=self.next_position_id, person=person, title=title, start_date=start, end_date=end)
        self.next_position_id += 1
        position.set_org(org)
        self.positions.append(position)

    def build_transfers(self, members):
        """组织关系转接 history for a few members: from another organization of the same county."""
        rng = self.rng
        movable = [p for ps in members.values() for p in ps if p.status in ("normal", "mobile")]
        for person in rng.sample(movable, max(1, int(len(movable) * data.TRANSFER_SHARE))):
            candidates = [o for o in self.leaves_by_county.get(person.county_id, []) if o.pk != person.org_id]
            if not candidates:
                continue
            steps = 2 if rng.random() < 0.2 else 1
            earliest = max(person.joined_on, self.today - datetime.timedelta(days=2000))
            days = sorted(earliest + datetime.timedelta(days=rng.randint(0, (self.today - earliest).days))
                          for _ in range(steps))
            origins = rng.sample(candidates, min(steps, len(candidates)))
            chain = [*origins, person.org]
            for day, from_org, to_org in zip(days, chain, chain[1:], strict=False):
                transfer = Transfer(person=person, from_org=from_org, transferred_on=day,
                                    reason=rng.choice(["工作调动", "外出务工", "返乡", "居住地变更", "升学"]))
                transfer.set_org(to_org)
                self.transfers.append(transfer)

    # --- writing ---------------------------------------------------------------------------------------------
    def flush_orgs(self):
        Org.objects.bulk_create(self.orgs, batch_size=BATCH)
        self.counts["orgs"] += len(self.orgs)

    def flush_people(self):
        if self.people:
            Person.objects.bulk_create(self.people, batch_size=BATCH)
            self.counts["people"] += len(self.people)
            self.log(f"  {self.counts['people']} people")
            self.people = []
        if self.positions:
            Position.objects.bulk_create(self.positions, batch_size=BATCH)
            self.counts["positions"] += len(self.positions)
            self.positions = []
        if self.transfers:
            Transfer.objects.bulk_create(self.transfers, batch_size=BATCH)
            self.counts["transfers"] += len(self.transfers)
            self.transfers = []

    def build_accounts(self, accounts):
        """The demo accounts. One password hash serves them all (the password is published anyway)."""
        password = make_password(data.DEMO_PASSWORD)
        now = timezone.now()
        users = []
        for account in accounts:
            org = self.named[account.where]
            person = self.account_person(org, account.person)
            users.append(User(
                username=account.username, name=account.name or person.name, org=org, role=account.role,
                person=person, password=password, must_change_password=False, password_changed_at=now,
            ))
        User.objects.bulk_create(users)
        self.counts["users"] = len(users)
        return users

    def account_person(self, org, link):
        if link is None:
            return None
        if link in ("secretary", "minister"):
            return self.holders[(org.pk, link)]
        # a member of the organization (or of its branches) holding no post there
        posted = {person.pk for (org_id, _title), person in self.holders.items() if org_id == org.pk}
        _team_kind, sources = self.team_sources[org.pk]
        pool = [p for src in sources for p in self.members.get(src.pk, [])]
        return next(p for p in pool if p.pk not in posted and p.status == "normal" and p.category == "full")

    def build(self, accounts=data.DEMO_ACCOUNTS):
        self.build_tree()
        self.flush_orgs()
        self.build_people()
        self.build_accounts(accounts)
        return self.counts


def township_short(township):
    """信陵镇 from 中共信陵镇委员会 (and 中共小渡船街道工作委员会 → 小渡船街道)."""
    return township.name.removeprefix("中共").removesuffix("委员会").removesuffix("工作")


def data_ancestry():
    return ["province", "prefecture", "county", "township", "village"]


def wipe():
    """Delete every row but the audit log and Django's metadata (raw SQL deletes, constraints checked at commit).

    Raw deletes, because the ORM's collector would set the actor of old audit entries to NULL and so break the
    hash chain: the audit log is append-only and keeps naming the accounts it recorded. PostgreSQL empties the
    tables with one TRUNCATE (row deletes would run a foreign-key check per row at commit, scanning the
    unindexed ancestry columns: 50 s at bench scale); SQLite deletes referencing tables before the tables they
    reference, so each delete's foreign-key checks find nothing to scan (3 minutes otherwise).
    """
    models = [
        model for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in KEEP_MODELS and not model._meta.proxy and model._meta.managed
    ]
    if connection.vendor == "postgresql":
        tables = [model._meta.db_table for model in models]
        connection.check_constraints()  # runs pending deferred checks: TRUNCATE refuses tables that have some
        with connection.cursor() as cursor:
            for sql in connection.ops.sql_flush(no_style(), tables):
                cursor.execute(sql)
        return
    for model in _referencing_first(models):
        model._base_manager.all()._raw_delete(model._base_manager.db)


def _referencing_first(models):
    """`models` ordered so that each comes before every model it has a foreign key to (self-references aside)."""

    def targets(model):
        return {f.related_model for f in model._meta.concrete_fields if f.is_relation and f.related_model is not model}

    remaining, ordered = list(models), []
    while remaining:
        # a model nobody left points to can go now; on a cycle, take the first one
        free = [m for m in remaining if not any(m in targets(other) for other in remaining if other is not m)]
        ordered.append((free or remaining)[0])
        remaining.remove(ordered[-1])
    return ordered


def reset_sequences():
    """After explicit ids, PostgreSQL sequences must continue above them (no-op on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Org, Person, Position, Transfer, User])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def load(scale_name="demo", *, seed=4228, force=False, log=None):
    """Wipe (when `force`) and build the prefecture at the given scale in one transaction; returns the counts."""
    scale = data.SCALES[scale_name]
    started = time.monotonic()
    with transaction.atomic():
        if force:
            wipe()
        builder = PrefectureBuilder(scale, seed=seed, log=log)
        counts = builder.build()
        reset_sequences()
        world = registry.World(scale=scale, seed=seed, today=builder.today, named=builder.named,
                               log=builder.log)
        counts.update(registry.build_all(world))
        metrics.rebuild()  # bulk inserts bypass the services that keep the summary table current
        audit.record("demo.load", object_type="orgs.org", object_repr=f"{data.PREFECTURE['name']} ({scale.name})",
                     after={**counts, "scale": scale.name, "seed": seed, "wiped": force})
    optimize(full=True)  # planner statistics for the new rows (SQLite never gathers them by itself)
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts
