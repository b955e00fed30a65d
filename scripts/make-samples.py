#!/usr/bin/env python3
"""make-samples.py: writes the sample files under samples/.

    python3 scripts/make-samples.py [OUTDIR]      (default: samples/ beside scripts/)

Output (deterministic: a fixed seed, no clock, stdlib only):

  accounts-2026-11.csv   the monthly update as Excel saves "CSV UTF-8": BOM,
                         ',' and CRLF, human header names, 300 records, one
                         unknown column (Account Manager) carried along
  current-accounts.csv   the accounts before the update, canonical header,
                         UTF-8 without BOM, LF (for `check --snapshot`)
  example.ini            a commented profile
  README.md              what the files are and the mistakes below

Deliberate mistakes in accounts-2026-11.csv, one per row. LINE is the
physical line (the header is line 1; the record with the embedded line break
takes two lines, so every later record is one line further down than its
record number). verify() checks this table against the file it wrote.

  LINE  COLUMN           VALUE                             RULE / OUTCOME
    35  ZIP              2134 (Boston 02134)               postal-leading-zero
    52  Phone            4.25555E+09                       excel-scientific
    60  Language         en-US                             language
    79  Customer ID      06bf97c0-5a83-40d1-8058-604a      guid
    84  ZIP              98052.0                           excel-number
   110  Culture          fr-FR, but the country is DE      culture-country
   145  Email Address    differs from line 261's           conflicting-rows
   158  State            #N/A                              excel-error
   185  Country          UK                                country (use GB)
   193  Email Address    billing.tailspin-consulting.example  email
   221  Address Line 1   "9459 Westlake Avenue N<LF>Floor 30"  line-break
                         (lines 221-222)
   254  (all)            the same cells as line 14         duplicate
   261  Email Address    differs from line 145's           conflicting-rows
   263  (all)            ,,,,,,,,,,,,,,,, (blank line)     skipped

Normalizations (not errors: the row stays valid, the fix is reported):

    16  Last Name        Hu<U+200B>ghes                    zero-width
    19  Company Name     Provence<U+00A0>Conseil SARL      nbsp
   160  City             " Sydney "                        whitespace

Clearing optional fields (valid): <clear> in Address Line 2 on lines
4 and 32, in Region on lines 20 and 284.

Rows only the service's country rules can judge (valid at stage, appended
after the others): check accepts or rejects them by the service's answer
(or the bundled fallback offline).

   303  Culture          az-Latn-AZ (AZ)                   rules-accepted
   304  Language         pt-PT (PT)                        rules-accepted
   305  Language         pt, PT lists en and pt-PT         rules-language
   306  State            PR, not in the service's US list  rules-state
"""

import csv
import io
import os
import random
import re
import sys
import unicodedata
import uuid

SEED = 20261101

HEADER = [
    "Customer ID", "Company Name", "First Name", "Last Name",
    "Email Address", "Phone", "Address Line 1", "Address Line 2",
    "Address Line 3", "City", "State", "Region", "ZIP", "Country",
    "Culture", "Language", "Account Manager",
]
CANON = [
    "customer_id", "company_name", "first_name", "last_name", "email",
    "phone_number", "address_line1", "address_line2", "address_line3",
    "city", "state", "region", "postal_code", "country", "culture",
    "language",
]
EXTRA = "account_manager"
FIELDS = CANON + [EXTRA]

N_RECORDS = 300        # data records in the update file, blank line included
N_NOT_FOUND = 4        # customers of the update missing from the snapshot
N_EXTRA = 5            # customers of the snapshot missing from the update

COUNTRY_SHARE = [      # of the update's customers
    ("US", 0.35), ("CN", 0.15), ("JP", 0.12), ("GB", 0.06), ("DE", 0.05),
    ("FR", 0.05), ("CA", 0.05), ("AU", 0.05), ("IN", 0.05), ("BR", 0.04),
    ("MX", 0.03),
]


# --------------------------------------------------------------------------
# Country data. A city: name, state, region (county/district), postal codes,
# phone area, streets; CA cities also carry their usual culture.

def slug(s):
    s = unicodedata.normalize("NFKD", s.replace("ß", "ss"))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"[^A-Za-z0-9]+", "-", s.lower().replace("'", ""))
    return s.strip("-")


def d(rng, n):
    """n random digits."""
    return "".join(str(rng.randrange(10)) for _ in range(n))


class Country:
    code = ""
    cultures = ()

    def __init__(self, rng):
        self.rng = rng

    def city(self):
        return self.rng.choice(self.cities)

    def culture(self, city):
        return self.cultures[0]

    def email_local(self, first_ascii, last_ascii):
        rng = self.rng
        if rng.random() < 0.4:
            return rng.choice(["billing", "ap", "accounts", "finance",
                               "invoices", "accounts.payable"])
        return rng.choice([
            f"{first_ascii}.{last_ascii}",
            f"{first_ascii[0]}{last_ascii}",
            f"{first_ascii}",
        ])

    def person(self):
        rng = self.rng
        first = rng.choice(self.first_names)
        last = rng.choice(self.last_names)
        return first, last, slug(first).replace("-", ""), \
            slug(last).replace("-", "")

    def domain(self, company_slug):
        return company_slug + self.rng.choice(["-example.com", ".example"])


class US(Country):
    code = "US"
    cultures = (("en-US", "en"),)
    cities = [
        ("Redmond", "WA", "King County", ["98052", "98052-6399", "98053"],
         "425", ["NE 36th Street", "Redmond Way", "156th Avenue NE",
                 "Willows Road NE"]),
        ("Seattle", "WA", "King County", ["98101", "98104", "98109"], "206",
         ["Pine Street", "2nd Avenue", "Westlake Avenue N", "Mercer Street"]),
        ("Bellevue", "WA", "King County", ["98004", "98005"], "425",
         ["108th Avenue NE", "Bellevue Way NE"]),
        ("New York", "NY", "New York County", ["10001", "10017", "10036"],
         "212", ["5th Avenue", "Broadway", "Madison Avenue",
                 "W 42nd Street"]),
        ("Boston", "MA", "Suffolk County", ["02134", "02110", "02116"], "617",
         ["Boylston Street", "Commonwealth Avenue", "State Street"]),
        ("Austin", "TX", "Travis County", ["78701", "78704"], "512",
         ["Congress Avenue", "Lamar Boulevard"]),
        ("Chicago", "IL", "Cook County", ["60601", "60606", "60611"], "312",
         ["Michigan Avenue", "Wacker Drive", "LaSalle Street"]),
        ("San Francisco", "CA", "San Francisco County",
         ["94105", "94107", "94111"], "415",
         ["Market Street", "Mission Street", "Howard Street"]),
        ("Denver", "CO", "Denver County", ["80202", "80203"], "303",
         ["17th Street", "Larimer Street"]),
        ("Atlanta", "GA", "Fulton County", ["30303", "30308"], "404",
         ["Peachtree Street NE", "Spring Street NW"]),
        ("Newark", "NJ", "Essex County", ["07102", "07105"], "973",
         ["Broad Street", "Market Street"]),
        ("Hartford", "CT", "Hartford County", ["06103", "06106"], "860",
         ["Main Street", "Asylum Street"]),
        ("Portland", "OR", "Multnomah County", ["97204", "97209"], "503",
         ["SW Morrison Street", "NW Everett Street"]),
        ("Miami", "FL", "Miami-Dade County", ["33131", "33130"], "305",
         ["Brickell Avenue", "Biscayne Boulevard"]),
        ("Charlotte", "NC", "Mecklenburg County", ["28202", "28203"], "704",
         ["S Tryon Street", "E Trade Street"]),
        ("Minneapolis", "MN", "Hennepin County", ["55402", "55401"], "612",
         ["Nicollet Mall", "Hennepin Avenue"]),
    ]
    first_names = [
        "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael",
        "Linda", "David", "Elizabeth", "Sarah", "Daniel", "Emily", "Olivia",
        "Noah", "Liam", "Emma", "Ava", "Mason", "Ethan", "Grace", "Chloe",
        "Carlos", "Aisha", "Wei", "Priya", "Kevin", "Megan", "Tyler", "Dana",
    ]
    last_names = [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
        "Davis", "Rodriguez", "Martinez", "Anderson", "Taylor", "Thomas",
        "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris",
        "O'Brien", "Nguyen", "Patel", "Kim", "Reyes", "Cohen", "Foster",
    ]
    cores = [
        "Contoso", "Fabrikam", "Northwind", "Tailspin", "Wingtip",
        "Adventure Works", "Litware", "Proseware", "Woodgrove",
        "Alpine Ski House", "Coho", "Fourth Coffee", "Lucerne", "Trey",
        "Blue Yonder", "Humongous", "Wide World", "Relecloud", "VanArsdel",
        "A. Datum", "Consolidated Messenger", "Southridge", "Tailwind",
        "Lamna", "First Up", "Bellows", "Munson's", "Nod", "Margie's",
        "Graphic Design", "Liberty", "Cascade", "Pinnacle", "Summit Peak",
    ]
    trades = [
        "Pharmaceuticals", "Logistics", "Traders", "Toys", "Airlines",
        "Travel", "Publishing", "Research", "Healthcare", "Insurance",
        "Importers", "Cycles", "Foods", "Systems", "Consulting", "Media",
        "Energy", "Robotics", "Software", "Partners",
    ]
    suffixes = ["Inc.", "LLC", "Corp.", "Inc", "Co.", "Group"]

    def company(self):
        rng = self.rng
        core, trade = rng.choice(self.cores), rng.choice(self.trades)
        return f"{core} {trade} {rng.choice(self.suffixes)}", \
            slug(f"{core} {trade}")

    def line1(self, city):
        return f"{self.rng.randrange(1, 9999)} {self.rng.choice(city[5])}"

    def line2(self, city):
        rng = self.rng
        return rng.choice([
            f"Suite {rng.randrange(1, 20) * 100 + rng.randrange(0, 50)}",
            f"Floor {rng.randrange(2, 40)}",
            f"Building {rng.randrange(1, 12)}, Floor {rng.randrange(1, 6)}",
            f"Unit {rng.randrange(1, 400)}",
            f"Ste {rng.randrange(100, 999)}",
        ])

    def line3(self):
        return self.rng.choice(["Attn: Accounts Payable",
                                "c/o Finance Department", "Attn: Billing"])

    def phone(self, city):
        rng, a = self.rng, city[4]
        n = f"01{d(rng, 2)}"
        return rng.choice([f"+1 {a}-555-{n}", f"({a}) 555-{n}",
                           f"{a}-555-{n}", f"+1 {a} 555 {n}"])


class CA(US):
    code = "CA"
    cultures = (("en-CA", "en"), ("fr-CA", "fr"))
    cities = [
        ("Ottawa", "ON", "Ottawa", ["K1A 0B1", "K1P 5G4", "K2P 1L4"], "613",
         ["Wellington Street", "Bank Street", "Sparks Street"], 0),
        ("Toronto", "ON", "Toronto", ["M5V 3L9", "M5H 2N2", "M5J 2T3"], "416",
         ["Bay Street", "King Street West", "Front Street West"], 0),
        ("Montréal", "QC", "Montréal", ["H3B 4W8", "H2Y 1C6", "H3A 2R7"],
         "514", ["rue Sainte-Catherine Ouest",
                 "boulevard René-Lévesque Ouest", "rue Sherbrooke Ouest"], 1),
        ("Québec", "QC", "Capitale-Nationale", ["G1R 4P5", "G1K 3A9"], "418",
         ["Grande Allée Est", "rue Saint-Jean"], 1),
        ("Vancouver", "BC", "Metro Vancouver", ["V6B 1A1", "V6C 3L6",
                                                "V6E 4A2"], "604",
         ["Granville Street", "West Georgia Street", "Burrard Street"], 0),
        ("Calgary", "AB", "Calgary", ["T2P 2M5", "T2P 3H7"], "403",
         ["8 Avenue SW", "Centre Street S"], 0),
    ]
    first_names_fr = ["Mathieu", "Julie", "Étienne", "Geneviève", "Louis",
                      "Marie-Ève", "Sébastien", "Isabelle", "François"]
    last_names_fr = ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard",
                     "Gauthier", "Lévesque", "Bélanger"]
    suffixes = ["Inc.", "Ltd.", "Corp.", "Ltée"]

    def culture(self, city):
        fr = city[6]
        if self.rng.random() < 0.1:
            fr = 1 - fr
        return self.cultures[fr]

    def person_for(self, city):
        if city[6]:
            rng = self.rng
            first = rng.choice(self.first_names_fr)
            last = rng.choice(self.last_names_fr)
            return first, last, slug(first).replace("-", ""), \
                slug(last).replace("-", "")
        return self.person()

    def line2(self, city):
        rng = self.rng
        n = rng.randrange(1, 30) * 100 + rng.randrange(0, 20)
        return f"Bureau {n}" if city[6] else f"Suite {n}"

    def line3(self):
        return self.rng.choice(["Attn: Accounts Payable",
                                "À l'attention de la comptabilité"])


class GB(US):
    code = "GB"
    cultures = (("en-GB", "en"),)
    cities = [
        ("London", "Greater London", "England",
         ["SW1A 1AA", "EC1A 1BB", "W1D 3QF", "EC2V 7HH", "SE1 9GF"], "20",
         ["Victoria Street", "King William Street", "Oxford Street",
          "Southwark Street"]),
        ("Manchester", "Greater Manchester", "England",
         ["M1 1AE", "M2 3WQ", "M3 3EB"], "161", ["Deansgate", "King Street"]),
        ("Birmingham", "West Midlands", "England",
         ["B1 1BB", "B2 4QA", "B3 2PB"], "121",
         ["Colmore Row", "New Street"]),
        ("Leeds", "West Yorkshire", "England", ["LS1 4AP", "LS1 5AB"], "113",
         ["Park Row", "Wellington Street"]),
        ("Edinburgh", "City of Edinburgh", "Scotland",
         ["EH1 1YZ", "EH2 2AB", "EH3 9WJ"], "131",
         ["George Street", "Princes Street"]),
        ("Bristol", "Bristol", "England", ["BS1 4DJ", "BS1 6AA"], "117",
         ["Queen Square", "Victoria Street"]),
        ("Cardiff", "Cardiff", "Wales", ["CF10 1EP", "CF10 3AT"], "29",
         ["Queen Street", "Park Place"]),
    ]
    first_names = ["Oliver", "Amelia", "Harry", "Isla", "George", "Poppy",
                   "Jack", "Sophie", "Charlotte", "Thomas", "Eleanor", "Rhys"]
    last_names = ["Hughes", "Evans", "Wright", "Walker", "Robinson", "Wood",
                  "Thompson", "Clarke", "MacLeod", "Davies", "Patel"]
    suffixes = ["Ltd", "Limited", "plc", "LLP"]

    def line1(self, city):
        return f"{self.rng.randrange(1, 250)} {self.rng.choice(city[5])}"

    def line2(self, city):
        rng = self.rng
        return rng.choice([
            f"Suite {rng.randrange(1, 40)}",
            f"Floor {rng.randrange(1, 12)}",
            f"Unit {rng.randrange(1, 30)}, Riverside Business Park",
            f"Flat {rng.randrange(1, 90)}",
        ])

    def line3(self):
        return self.rng.choice(["FAO Accounts Payable", "FAO Finance Team"])

    def phone(self, city):
        rng, a = self.rng, city[4]
        if a == "20":
            return f"+44 20 7946 0{d(rng, 3)}"
        if a == "29":
            return f"+44 29 2018 0{d(rng, 3)}"
        return f"+44 {a} 496 0{d(rng, 3)}"


class AU(US):
    code = "AU"
    cultures = (("en-AU", "en"),)
    cities = [
        ("Sydney", "NSW", "Greater Sydney", ["2000"], "2",
         ["George Street", "Pitt Street", "Kent Street"]),
        ("North Sydney", "NSW", "Greater Sydney", ["2060"], "2",
         ["Miller Street", "Walker Street"]),
        ("Melbourne", "VIC", "Greater Melbourne", ["3000"], "3",
         ["Collins Street", "Bourke Street"]),
        ("Southbank", "VIC", "Greater Melbourne", ["3006"], "3",
         ["City Road", "Southbank Boulevard"]),
        ("Brisbane", "QLD", "Greater Brisbane", ["4000"], "7",
         ["Queen Street", "Eagle Street"]),
        ("Perth", "WA", "Greater Perth", ["6000"], "8",
         ["St Georges Terrace", "Hay Street"]),
        ("Adelaide", "SA", "Greater Adelaide", ["5000"], "8",
         ["King William Street", "Grenfell Street"]),
        ("Canberra", "ACT", "Canberra", ["2600", "2601"], "2",
         ["Northbourne Avenue", "London Circuit"]),
    ]
    first_names = ["Jack", "Charlotte", "William", "Matilda", "Lachlan",
                   "Chloe", "Cooper", "Ruby", "Mia", "Hamish"]
    last_names = ["Mitchell", "Kelly", "Campbell", "Ryan", "Walsh",
                  "Nguyen", "Murphy", "Stewart", "Chen"]
    suffixes = ["Pty Ltd", "Pty. Ltd.", "Limited"]

    def line1(self, city):
        return f"{self.rng.randrange(1, 600)} {self.rng.choice(city[5])}"

    def line2(self, city):
        rng = self.rng
        return rng.choice([f"Level {rng.randrange(1, 45)}",
                           f"Suite {rng.randrange(1, 20)}, "
                           f"Level {rng.randrange(1, 30)}"])

    def line3(self):
        return "Attn: Accounts Payable"

    def phone(self, city):
        rng = self.rng
        return rng.choice([f"+61 {city[4]} 5550 {d(rng, 4)}",
                           f"(0{city[4]}) 5550 {d(rng, 4)}"])


class IN(US):
    code = "IN"
    cultures = (("en-IN", "en"),)
    cities = [
        ("Bengaluru", "Karnataka", "Bengaluru Urban",
         ["560001", "560025", "560103"], "80",
         ["MG Road", "Residency Road", "Outer Ring Road"]),
        ("Mumbai", "Maharashtra", "Mumbai City",
         ["400001", "400021", "400051"], "22",
         ["Nariman Point", "Bandra Kurla Complex"]),
        ("New Delhi", "Delhi", "New Delhi", ["110001", "110019"], "11",
         ["Connaught Place", "Nehru Place"]),
        ("Chennai", "Tamil Nadu", "Chennai", ["600002", "600032"], "44",
         ["Anna Salai", "Guindy Industrial Estate"]),
        ("Hyderabad", "Telangana", "Hyderabad", ["500081", "500032"], "40",
         ["HITEC City", "Gachibowli"]),
        ("Pune", "Maharashtra", "Pune", ["411001", "411057"], "20",
         ["FC Road", "Hinjawadi Phase 1"]),
    ]
    first_names = ["Priya", "Rahul", "Ananya", "Vikram", "Sneha", "Arjun",
                   "Kavya", "Rohan", "Deepika", "Sanjay", "Meera"]
    last_names = ["Sharma", "Verma", "Iyer", "Reddy", "Patel", "Nair",
                  "Gupta", "Rao", "Menon", "Kulkarni", "Singh"]
    cores = ["Sahyadri", "Kaveri", "Nilgiri", "Indus", "Lotus", "Deccan",
             "Saffron", "Vayu", "Akash", "Ganga", "Trishul", "Kalpa"]
    trades = ["Systems", "Infotech", "Software", "Technologies",
              "Solutions", "Consultancy Services", "Digital"]
    suffixes = ["Pvt. Ltd.", "Private Limited", "Pvt Ltd", "Limited"]

    def line1(self, city):
        rng = self.rng
        return rng.choice([f"{rng.randrange(1, 300)}, {rng.choice(city[5])}",
                           f"Plot No. {rng.randrange(1, 120)}, "
                           f"{rng.choice(city[5])}"])

    def line2(self, city):
        rng = self.rng
        f = rng.randrange(1, 15)
        ordinal = {1: "1st", 2: "2nd", 3: "3rd"}.get(f, f"{f}th")
        return f"{ordinal} Floor, {rng.choice(['Tower A', 'Tower B', 'Block C', 'Sigma Tech Park', 'Cyber Towers'])}"

    def line3(self):
        return self.rng.choice(["Near Metro Station", "Attn: Accounts"])

    def phone(self, city):
        rng = self.rng
        if rng.random() < 0.25:
            return f"+91 9{d(rng, 4)} {d(rng, 5)}"
        return f"+91 {city[4]} {rng.randrange(2, 7)}{d(rng, 3)} {d(rng, 4)}"


class DE(US):
    code = "DE"
    cultures = (("de-DE", "de"),)
    cities = [
        ("Berlin", "Berlin", "Mitte", ["10115", "10117", "10178"], "30",
         ["Friedrichstraße", "Unter den Linden", "Invalidenstraße"]),
        ("München", "Bayern", "Oberbayern", ["80331", "80333", "80335"],
         "89", ["Leopoldstraße", "Sendlinger Straße", "Arnulfstraße"]),
        ("Hamburg", "Hamburg", "Hamburg-Mitte", ["20095", "20354"], "40",
         ["Mönckebergstraße", "Jungfernstieg"]),
        ("Frankfurt am Main", "Hessen", "Darmstadt", ["60311", "60313"], "69",
         ["Zeil", "Mainzer Landstraße"]),
        ("Köln", "Nordrhein-Westfalen", "Köln", ["50667", "50670"], "221",
         ["Hohe Straße", "Ehrenstraße"]),
        ("Stuttgart", "Baden-Württemberg", "Stuttgart", ["70173", "70174"],
         "711", ["Königstraße", "Theodor-Heuss-Straße"]),
    ]
    first_names = ["Lukas", "Anna", "Jürgen", "Sophie", "Felix", "Katrin",
                   "Maximilian", "Lea", "Jörg", "Sabine", "Tobias"]
    last_names = ["Müller", "Schmidt", "Weber", "Fischer", "Wagner",
                  "Becker", "Hoffmann", "Schäfer", "Koch", "Richter"]
    cores = ["Nordlicht", "Bergmann", "Alpen", "Rhein", "Spree",
             "Weber & Söhne", "Elbe", "Hanse", "Schwarzwald", "Isar"]
    trades = ["Datentechnik", "Software", "Logistik", "Maschinenbau",
              "Beratung", "Medien", "Systemhaus"]
    suffixes = ["GmbH", "AG", "GmbH & Co. KG", "KG"]

    def line1(self, city):
        return f"{self.rng.choice(city[5])} {self.rng.randrange(1, 180)}"

    def line2(self, city):
        rng = self.rng
        return rng.choice([f"{rng.randrange(1, 8)}. OG", f"Haus {rng.choice('ABC')}",
                           f"Gebäude {rng.randrange(1, 6)}, "
                           f"{rng.randrange(1, 6)}. Etage"])

    def line3(self):
        return self.rng.choice(["z. Hd. Buchhaltung", "Abteilung Finanzen"])

    def phone(self, city):
        rng = self.rng
        return f"+49 {city[4]} {d(rng, 8 - len(city[4]) + 2)}"


class FR(US):
    code = "FR"
    cultures = (("fr-FR", "fr"),)
    cities = [
        ("Paris", "Île-de-France", "Paris",
         ["75001", "75008", "75009", "75015"], "1",
         ["rue de Rivoli", "boulevard Haussmann", "avenue de l'Opéra",
          "rue Saint-Honoré"]),
        ("Lyon", "Auvergne-Rhône-Alpes", "Rhône", ["69002", "69003"], "4",
         ["rue de la République", "cours Lafayette"]),
        ("Marseille", "Provence-Alpes-Côte d'Azur", "Bouches-du-Rhône",
         ["13001", "13002"], "4", ["La Canebière", "rue de la République"]),
        ("Toulouse", "Occitanie", "Haute-Garonne", ["31000"], "5",
         ["rue d'Alsace-Lorraine", "allées Jean Jaurès"]),
        ("Lille", "Hauts-de-France", "Nord", ["59000", "59800"], "3",
         ["rue Nationale", "rue Faidherbe"]),
        ("Nantes", "Pays de la Loire", "Loire-Atlantique", ["44000"], "2",
         ["cours des 50 Otages", "rue de Strasbourg"]),
    ]
    first_names = ["Camille", "Élodie", "Jean-Luc", "Théo", "Chloé",
                   "François", "Manon", "Hugo", "Inès", "Léa", "Mathis"]
    last_names = ["Dubois", "Martin", "Moreau", "Laurent", "Bernard",
                  "Lefèvre", "Girard", "Fontaine", "Rousseau", "Mercier"]
    cores = ["Lumière", "Océan", "Bellevue", "Azur", "Mistral", "Horizon",
             "Étoile", "Provence", "Val de Loire"]
    trades = ["Informatique", "Conseil", "Logistique", "Numérique",
              "Services", "Édition"]
    suffixes = ["SAS", "SARL", "SA"]

    def line1(self, city):
        rng = self.rng
        sep = ", " if rng.random() < 0.3 else " "
        return f"{rng.randrange(1, 150)}{sep}{rng.choice(city[5])}"

    def line2(self, city):
        rng = self.rng
        return rng.choice([f"Bâtiment {rng.choice('ABCD')}",
                           f"{rng.randrange(2, 9)}e étage",
                           f"CS {rng.randrange(10000, 99999)}"])

    def line3(self):
        return "Service comptabilité"

    def phone(self, city):
        rng = self.rng
        return f"+33 {city[4]} " + " ".join(d(rng, 2) for _ in range(4))


class BR(US):
    code = "BR"
    cultures = (("pt-BR", "pt"),)
    cities = [
        ("São Paulo", "SP", "Bela Vista", ["01310-100", "01310-200",
                                           "01311-000"], "11",
         ["Avenida Paulista", "Rua Augusta", "Alameda Santos"]),
        ("Rio de Janeiro", "RJ", "Centro", ["20040-020", "20031-170"], "21",
         ["Avenida Rio Branco", "Rua da Assembleia"]),
        ("Belo Horizonte", "MG", "Funcionários", ["30130-010", "30140-071"],
         "31", ["Avenida Afonso Pena", "Rua da Bahia"]),
        ("Curitiba", "PR", "Centro", ["80010-000", "80020-310"], "41",
         ["Rua XV de Novembro", "Avenida Sete de Setembro"]),
        ("Porto Alegre", "RS", "Centro Histórico", ["90010-150", "90020-004"],
         "51", ["Rua dos Andradas", "Avenida Borges de Medeiros"]),
    ]
    first_names = ["João", "Maria", "Ana", "Pedro", "Lucas", "Juliana",
                   "Gabriel", "Fernanda", "Rafael", "Beatriz"]
    last_names = ["Silva", "Oliveira", "Souza", "Santos", "Pereira", "Costa",
                  "Rodrigues", "Almeida", "Ferreira", "Gonçalves"]
    cores = ["Aurora", "Horizonte", "Ipê", "Atlântico", "Cerrado",
             "Paulista", "Guanabara", "Araucária"]
    trades = ["Tecnologia", "Soluções Digitais", "Sistemas", "Logística",
              "Consultoria"]
    suffixes = ["Ltda.", "S.A.", "Ltda"]

    def line1(self, city):
        return f"{self.rng.choice(city[5])}, {self.rng.randrange(10, 2500)}"

    def line2(self, city):
        rng = self.rng
        return rng.choice([f"Conjunto {rng.randrange(11, 250)}",
                           f"Sala {rng.randrange(101, 2210)}",
                           f"{rng.randrange(1, 25)}º andar"])

    def line3(self):
        return "A/C Departamento Financeiro"

    def phone(self, city):
        rng = self.rng
        if rng.random() < 0.25:
            return f"+55 {city[4]} 9{d(rng, 4)}-{d(rng, 4)}"
        return f"+55 {city[4]} 3{d(rng, 3)}-{d(rng, 4)}"


class MX(US):
    code = "MX"
    cultures = (("es-MX", "es"),)
    cities = [
        ("Ciudad de México", "CDMX", "Cuauhtémoc", ["06600", "06500",
                                                    "06700"], "55",
         ["Paseo de la Reforma", "Avenida Insurgentes Sur",
          "Calle Río Lerma"]),
        ("Guadalajara", "Jalisco", "Guadalajara", ["44100", "44160"], "33",
         ["Avenida Juárez", "Avenida Chapultepec"]),
        ("Monterrey", "Nuevo León", "Monterrey", ["64000", "64620"], "81",
         ["Avenida Constitución", "Calzada del Valle"]),
        ("Puebla", "Puebla", "Puebla", ["72000", "72160"], "222",
         ["Avenida Juárez", "Boulevard 5 de Mayo"]),
        ("Querétaro", "Querétaro", "Querétaro", ["76000", "76090"], "442",
         ["Avenida Constituyentes", "Avenida Zaragoza"]),
    ]
    first_names = ["José", "Guadalupe", "Alejandro", "Fernanda", "Luis",
                   "Mariana", "Jorge", "Daniela", "Ricardo", "Sofía"]
    last_names = ["García", "Hernández", "López", "Martínez", "González",
                  "Pérez", "Sánchez", "Ramírez", "Torres", "Flores"]
    cores = ["Altavista", "Sierra Madre", "Azteca", "Pacífico", "Maya",
             "Bajío", "Anáhuac"]
    trades = ["Servicios Digitales", "Tecnología", "Logística",
              "Consultores", "Sistemas"]
    suffixes = ["S.A. de C.V.", "S. de R.L. de C.V."]

    def company(self):
        rng = self.rng
        core, trade = rng.choice(self.cores), rng.choice(self.trades)
        name = (f"Grupo {core} {rng.choice(self.suffixes)}"
                if rng.random() < 0.25 else
                f"{trade} {core} {rng.choice(self.suffixes)}")
        return name, slug(name.split(" S.")[0].split(" S. ")[0])

    def line1(self, city):
        return f"{self.rng.choice(city[5])} {self.rng.randrange(1, 900)}"

    def line2(self, city):
        rng = self.rng
        return rng.choice([f"Piso {rng.randrange(1, 30)}",
                           f"Oficina {rng.randrange(100, 1500)}",
                           "Col. Juárez", "Col. Centro"])

    def line3(self):
        return "Atención: Cuentas por pagar"

    def phone(self, city):
        rng, a = self.rng, city[4]
        if len(a) == 2:
            return f"+52 {a} {d(rng, 4)} {d(rng, 4)}"
        return f"+52 {a} {d(rng, 3)} {d(rng, 4)}"


class CN(Country):
    code = "CN"
    cultures = (("zh-CN", "zh"),)
    # city, state (province), districts: (district, postal codes, roads)
    cities = [
        ("北京", "北京市", "10", [
            ("海淀区", ["100080", "100086", "100190"],
             ["中关村大街", "知春路", "学院路"]),
            ("朝阳区", ["100020", "100022", "100027"],
             ["建国路", "朝阳门外大街", "东三环中路"])]),
        ("上海", "上海市", "21", [
            ("浦东新区", ["200120", "200122", "201203"],
             ["世纪大道", "陆家嘴环路", "张江路"]),
            ("静安区", ["200040", "200041"], ["南京西路", "延安中路"])]),
        ("深圳", "广东省", "755", [
            ("南山区", ["518057", "518052"], ["科苑路", "深南大道", "高新南一道"]),
            ("福田区", ["518048", "518033"], ["福华路", "益田路"])]),
        ("广州", "广东省", "20", [
            ("天河区", ["510620", "510623"], ["天河路", "花城大道"])]),
        ("杭州", "浙江省", "571", [
            ("西湖区", ["310012", "310013"], ["文三路", "教工路"])]),
        ("成都", "四川省", "28", [
            ("武侯区", ["610041"], ["天府大道", "人民南路"])]),
        ("南京", "江苏省", "25", [
            ("建邺区", ["210019"], ["江东中路"])]),
        ("武汉", "湖北省", "27", [
            ("洪山区", ["430074"], ["珞喻路"])]),
    ]
    city_pinyin = {"北京": "beijing", "上海": "shanghai", "深圳": "shenzhen",
                   "广州": "guangzhou", "杭州": "hangzhou", "成都": "chengdu",
                   "南京": "nanjing", "武汉": "wuhan"}
    surnames = {"王": "wang", "李": "li", "张": "zhang", "刘": "liu",
                "陈": "chen", "杨": "yang", "赵": "zhao", "黄": "huang",
                "周": "zhou", "吴": "wu", "徐": "xu", "孙": "sun", "马": "ma",
                "朱": "zhu", "胡": "hu", "郭": "guo"}
    given = {"伟": "wei", "芳": "fang", "娜": "na", "敏": "min", "静": "jing",
             "磊": "lei", "洋": "yang", "勇": "yong", "艳": "yan", "杰": "jie",
             "军": "jun", "婷": "ting", "晓明": "xiaoming", "建国": "jianguo",
             "丽华": "lihua", "志强": "zhiqiang", "秀英": "xiuying",
             "子涵": "zihan", "浩然": "haoran", "欣怡": "xinyi"}
    cores = {"云帆": "yunfan", "星辰": "xingchen", "数联": "shulian",
             "锦程": "jincheng", "青禾": "qinghe", "天府": "tianfu",
             "金陵": "jinling", "华信": "huaxin", "博远": "boyuan",
             "智汇": "zhihui", "鼎盛": "dingsheng", "恒通": "hengtong",
             "明德": "mingde", "瑞达": "ruida", "海纳": "haina",
             "卓越": "zhuoyue", "新元": "xinyuan", "丰泽": "fengze",
             "远航": "yuanhang", "蓝海": "lanhai"}
    kinds = {"科技有限公司": "tech", "软件有限公司": "soft",
             "信息技术有限公司": "it", "网络科技有限公司": "net",
             "贸易有限公司": "trading", "数据服务有限公司": "data"}

    def __init__(self, rng):
        super().__init__(rng)
        self._city = None

    def city(self):
        c = self.rng.choice(self.cities)
        dist = self.rng.choice(c[3])
        # name, state, region, postal codes, area, roads
        return (c[0], c[1], dist[0], dist[1], c[2], dist[2])

    def person(self):
        rng = self.rng
        last = rng.choice(list(self.surnames))
        first = rng.choice(list(self.given))
        return first, last, self.given[first], self.surnames[last]

    def company(self, city=None):
        rng = self.rng
        cname = city[0] if city else rng.choice(self.cities)[0]
        core = rng.choice(list(self.cores))
        kind = rng.choice(list(self.kinds))
        return f"{cname}{core}{kind}", \
            f"{self.cores[core]}-{self.kinds[kind]}"

    def email_local(self, first_ascii, last_ascii):
        rng = self.rng
        if rng.random() < 0.5:
            return rng.choice(["finance", "caiwu", "billing", "ap"])
        return rng.choice([f"{last_ascii}.{first_ascii}",
                           f"{first_ascii}.{last_ascii}",
                           f"{last_ascii}{first_ascii}"])

    def line1(self, city):
        rng = self.rng
        return f"{rng.choice(city[5])}{rng.randrange(1, 400)}号"

    def line2(self, city):
        rng = self.rng
        f = rng.randrange(2, 30)
        return rng.choice([f"{f}层{f}{rng.randrange(1, 20):02d}室",
                           f"{rng.choice('ABC')}座{f}层"])

    def line3(self):
        return self.rng.choice(["财务部", "收件人：财务部"])

    def phone(self, city):
        rng = self.rng
        if rng.random() < 0.3:
            return f"+86 1{rng.choice('3589')}{d(rng, 1)} {d(rng, 4)} {d(rng, 4)}"
        a = city[4]
        local = f"{rng.randrange(5, 9)}{d(rng, 7)}"
        return f"+86 {a} {local[:4]} {local[4:]}"


class JP(Country):
    code = "JP"
    cultures = (("ja-JP", "ja"),)
    # city, prefecture, region, postal codes, area, neighbourhoods
    cities = [
        ("千代田区", "東京都", "関東", ["100-0005", "100-0004", "102-0083"],
         "3", ["丸の内", "大手町", "麹町"]),
        ("港区", "東京都", "関東", ["105-0011", "107-0052", "108-0075"], "3",
         ["芝公園", "赤坂", "港南"]),
        ("渋谷区", "東京都", "関東", ["150-0002", "150-0043"], "3",
         ["渋谷", "道玄坂"]),
        ("大阪市北区", "大阪府", "近畿", ["530-0001", "530-0011"], "6",
         ["梅田", "大深町"]),
        ("名古屋市中村区", "愛知県", "中部", ["450-0002", "450-6001"], "52",
         ["名駅"]),
        ("横浜市西区", "神奈川県", "関東", ["220-0012"], "45",
         ["みなとみらい"]),
        ("福岡市博多区", "福岡県", "九州", ["812-0011", "812-0012"], "92",
         ["博多駅前", "博多駅中央街"]),
        ("札幌市中央区", "北海道", "北海道", ["060-0001", "060-0005"], "11",
         ["北一条西", "北五条西"]),
    ]
    surnames = {"佐藤": "sato", "鈴木": "suzuki", "高橋": "takahashi",
                "田中": "tanaka", "伊藤": "ito", "渡辺": "watanabe",
                "山本": "yamamoto", "中村": "nakamura", "小林": "kobayashi",
                "加藤": "kato", "吉田": "yoshida", "山田": "yamada"}
    given = {"太郎": "taro", "花子": "hanako", "健": "ken", "翔太": "shota",
             "美咲": "misaki", "陽子": "yoko", "大輔": "daisuke",
             "由美": "yumi", "直樹": "naoki", "愛": "ai", "拓也": "takuya",
             "恵子": "keiko"}
    cores = {"さくら": "sakura", "みらい": "mirai", "ひかり": "hikari",
             "アオバ": "aoba", "あさひ": "asahi", "ミドリ": "midori",
             "東都": "toto", "大和": "yamato", "北斗": "hokuto",
             "富士": "fuji", "青空": "aozora", "若葉": "wakaba"}
    kinds = {"システム": "system", "テック": "tech",
             "ソリューションズ": "solutions", "情報サービス": "joho",
             "電子": "denshi", "商事": "shoji", "物流": "butsuryu"}

    def person(self):
        rng = self.rng
        last = rng.choice(list(self.surnames))
        first = rng.choice(list(self.given))
        return first, last, self.given[first], self.surnames[last]

    def company(self):
        rng = self.rng
        core = rng.choice(list(self.cores))
        kind = rng.choice(list(self.kinds))
        name = (f"株式会社{core}{kind}" if rng.random() < 0.6 else
                f"{core}{kind}株式会社")
        return name, f"{self.cores[core]}-{self.kinds[kind]}"

    def email_local(self, first_ascii, last_ascii):
        rng = self.rng
        if rng.random() < 0.5:
            return rng.choice(["keiri", "billing", "accounting", "info"])
        return rng.choice([f"{first_ascii}.{last_ascii}",
                           f"{last_ascii}.{first_ascii}",
                           f"{first_ascii[0]}-{last_ascii}"])

    def line1(self, city):
        rng = self.rng
        return (f"{rng.choice(city[5])}{rng.randrange(1, 6)}-"
                f"{rng.randrange(1, 20)}-{rng.randrange(1, 30)}")

    def line2(self, city):
        rng = self.rng
        return (f"{rng.choice(['さくらビル', '第一ビル', '中央ビルディング', 'グランドタワー', '駅前スクエア'])}"
                f"{rng.randrange(2, 40)}階")

    def line3(self):
        return self.rng.choice(["経理部", "経理部 御中"])

    def phone(self, city):
        rng, a = self.rng, city[4]
        if len(a) == 1:
            local = f"{d(rng, 4)}-{d(rng, 4)}"
        else:
            local = f"{d(rng, 3)}-{d(rng, 4)}"
        if rng.random() < 0.3:
            return f"0{a}-{local}"
        return f"+81 {a}-{local}"


COUNTRY_CLASSES = {c.code: c for c in (US, CA, GB, AU, IN, DE, FR, BR, MX,
                                       CN, JP)}

MANAGERS = {
    "US": ["Dana Whitfield", "Marcus Bell"], "CA": ["Marcus Bell"],
    "GB": ["Zoë Andersen", "Tom Baker"], "DE": ["Zoë Andersen"],
    "FR": ["Tom Baker"], "CN": ["陈静"], "JP": ["佐藤 健"],
    "IN": ["Priya Nair"], "AU": ["Priya Nair"], "BR": ["Lucía Romero"],
    "MX": ["Lucía Romero"],
}


def nfc(s):
    return unicodedata.normalize("NFC", s)


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.review_budget = 5
        self.countries = {cc: cls(self.rng)
                          for cc, cls in COUNTRY_CLASSES.items()}
        self.used_ids = set()
        self.used_companies = set()

    def guid(self):
        while True:
            g = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
            if g not in self.used_ids:
                self.used_ids.add(g)
                return g

    def address(self, cc, city=None):
        """An address block of a country: city, line1..3, state, region,
        postal code, and the phone that goes with it."""
        c = self.countries[cc]
        city = city or c.city()
        return city, {
            "address_line1": c.line1(city),
            "address_line2": c.line2(city),
            "address_line3": c.line3(),
            "city": city[0],
            "state": city[1],
            "region": city[2],
            "postal_code": self.rng.choice(city[3]),
            "phone_number": c.phone(city),
        }

    def contact(self, cc, city, company_slug):
        c = self.countries[cc]
        if cc == "CA":
            first, last, fa, la = c.person_for(city)
        else:
            first, last, fa, la = c.person()
        return {
            "first_name": first,
            "last_name": last,
            "email": f"{c.email_local(fa, la)}@{c.domain(company_slug)}",
        }

    def company(self, cc, city):
        c = self.countries[cc]
        for _ in range(100):
            name, s = c.company(city) if cc == "CN" else c.company()
            if name not in self.used_companies:
                self.used_companies.add(name)
                return name, s
        raise RuntimeError("ran out of company names for " + cc)

    def profile(self, cc, city=None):
        """A customer's full, correct billing profile."""
        c = self.countries[cc]
        city, p = self.address(cc, city)
        name, s = self.company(cc, city)
        p.update(self.contact(cc, city, s))
        culture, language = c.culture(city)
        p.update({"customer_id": self.guid(), "company_name": name,
                  "country": cc, "culture": culture, "language": language,
                  "_slug": s, "_city": city})
        for k in CANON:
            p[k] = nfc(p[k])
        return p


# --------------------------------------------------------------------------
# The update file.

# Cells a row may leave empty (customer ID, email and country are always
# filled, so the example profile can require email and country).
OPTIONAL = ["company_name", "first_name", "last_name", "phone_number",
            "address_line1", "address_line2", "address_line3", "city",
            "state", "region", "postal_code", "culture", "language"]
ADDRESS = ["address_line1", "address_line2", "address_line3", "city",
           "state", "region", "postal_code"]
CONTACT = ["first_name", "last_name", "phone_number"]


def update_row(gen, p, kind):
    """The update's cells for profile p. kind: full, address, contact,
    sparse. An empty cell leaves the field unchanged."""
    rng = gen.rng
    keep = set(["customer_id", "email", "country"])
    if kind == "full":
        keep |= set(OPTIONAL)
    elif kind == "address":
        keep |= set(ADDRESS)
        if rng.random() < 0.4:
            keep.add("company_name")
        if rng.random() < 0.5:
            keep.add("phone_number")
    elif kind == "contact":
        keep |= set(CONTACT)
        if rng.random() < 0.5:
            keep |= {"culture", "language"}
        if rng.random() < 0.3:
            keep.add("company_name")
    else:
        keep |= {k for k in OPTIONAL if rng.random() < 0.6}
    # Address Line 3 and Region are rarely touched; Address Line 2 often
    # left as it is.
    if rng.random() < 0.92:
        keep.discard("address_line3")
    if rng.random() < 0.92:
        keep.discard("region")
    if rng.random() < 0.3:
        keep.discard("address_line2")
    # India and Brazil need a phone number on every billing address.
    if p["country"] in ("IN", "BR"):
        keep.add("phone_number")
    row = {k: (p[k] if k in keep else "") for k in CANON}
    am = MANAGERS[p["country"]]
    row[EXTRA] = rng.choice(am) if rng.random() < 0.88 else ""
    return row


def country_plan(n, rng):
    counts = [(cc, int(round(share * n))) for cc, share in COUNTRY_SHARE]
    total = sum(c for _, c in counts)
    counts[0] = ("US", counts[0][1] + n - total)
    plan = [cc for cc, c in counts for _ in range(c)]
    rng.shuffle(plan)
    return plan


def city_named(gen, cc, name):
    for c in gen.countries[cc].cities:
        if c[0] == name:
            return c
    raise KeyError(name)


# Rows only the service's country rules can judge, appended after the
# generated ones (which stay byte for byte as they were): fixed values, no
# random draws. (kind, column, value, note, update row, account).
RULES_ROWS = [
    ("rules-accepted", "Culture", "az-Latn-AZ",
     "a three-part culture, supported for AZ: to change",
     {"customer_id": "7a1e4c2d-5b3f-4e8a-9c6d-0f1a2b3c4d01",
      "company_name": "Xəzər Logistika MMC", "first_name": "Leyla",
      "last_name": "Aliyeva", "email": "maliyye@xezer-logistika.example",
      "phone_number": "+994 12 555 0142", "address_line1": "Nizami küç. 90",
      "address_line2": "", "address_line3": "", "city": "Bakı",
      "state": "", "region": "", "postal_code": "AZ1000", "country": "AZ",
      "culture": "az-Latn-AZ", "language": "az"},
     {"culture": "en-US", "language": "en", "address_line2": "3-cü mərtəbə",
      "address_line3": "Mühasibatlıq", "state": "Bakı", "region": "Səbail"}),
    ("rules-accepted", "Language", "pt-PT",
     "a language PT lists beyond two letters: to change",
     {"customer_id": "7a1e4c2d-5b3f-4e8a-9c6d-0f1a2b3c4d02",
      "company_name": "Tejo Engenharia Lda", "first_name": "Rui",
      "last_name": "Costa", "email": "faturacao@tejo-engenharia.example",
      "phone_number": "+351 21 555 0187", "address_line1": "Rua Augusta 100",
      "address_line2": "", "address_line3": "", "city": "Lisboa",
      "state": "", "region": "", "postal_code": "1100-048", "country": "PT",
      "culture": "pt-PT", "language": "pt-PT"},
     {"culture": "en-US", "language": "en", "address_line2": "2.º andar",
      "address_line3": "Contabilidade", "state": "Lisboa",
      "region": "Santa Maria Maior"}),
    ("rules-language", "Language", "pt",
     "ISO 639-1, but PT's rules list en and pt-PT: invalid at check",
     {"customer_id": "7a1e4c2d-5b3f-4e8a-9c6d-0f1a2b3c4d03",
      "company_name": "Douro Vinhos SA", "first_name": "Ana",
      "last_name": "Ferreira", "email": "contas@douro-vinhos.example",
      "phone_number": "+351 22 555 0133", "address_line1": "Rua das Flores 12",
      "address_line2": "", "address_line3": "", "city": "Porto",
      "state": "", "region": "", "postal_code": "4050-262", "country": "PT",
      "culture": "pt-PT", "language": "pt"},
     {"culture": "en-US", "language": "en", "address_line2": "Loja 3",
      "address_line3": "Contas a pagar", "state": "Porto",
      "region": "Vitória"}),
    ("rules-state", "State", "PR",
     "a move to San Juan: PR is an ISO 3166-2 code, not in the service's 51 "
     "US states: invalid at check",
     {"customer_id": "7a1e4c2d-5b3f-4e8a-9c6d-0f1a2b3c4d04",
      "company_name": "Borinquen Freight LLC", "first_name": "Luis",
      "last_name": "Rivera", "email": "ap@borinquen-freight.example",
      "phone_number": "+1 787 555 0166", "address_line1": "1000 Ave Ponce de Leon",
      "address_line2": "", "address_line3": "", "city": "San Juan",
      "state": "PR", "region": "", "postal_code": "00907", "country": "US",
      "culture": "en-US", "language": "en"},
     {"address_line1": "350 Fifth Avenue", "address_line2": "Suite 4100",
      "address_line3": "Accounts Payable", "city": "New York",
      "state": "NY", "region": "New York County", "postal_code": "10118"}),
]


def rules_records():
    out = []
    for kind, col, val, note, row, _ in RULES_ROWS:
        r = dict(row)
        r[EXTRA] = ""
        out.append({"kind": kind, "p": dict(row), "row": r, "column": col,
                    "value": val, "note": note})
    return out


def rules_snapshot():
    return [dict(row, **was) for *_, row, was in RULES_ROWS]


def build(gen):
    rng = gen.rng

    # Special rows, each for a customer of its own unless noted.
    specials = []    # (id, column header or None, note, row)

    def special_profile(cc, city=None):
        p = gen.profile(cc, city_named(gen, cc, city) if city else None)
        return p, update_row(gen, p, "full")

    def add(rule, header, r, p, note):
        col = CANON[HEADER.index(header)]
        shown = (r[col].replace("\u200b", "<U+200B>")
                 .replace("\u00a0", "<U+00A0>").replace("\n", "⏎"))
        specials.append((rule, header, shown, note, p, r))

    # guid: a tenant ID cut short when pasted.
    p, r = special_profile("CA")
    r["customer_id"] = p["customer_id"][:28]
    add("guid", "Customer ID", r, p, "a tenant ID cut to 28 characters")
    # email without @
    p, r = special_profile("US")
    r["email"] = "billing." + r["email"].split("@", 1)[1]
    add("email", "Email Address", r, p, "no '@'")
    # phone in scientific notation
    p, r = special_profile("US", "Redmond")
    p["phone_number"] = "+1 425-555-0100"
    r["phone_number"] = "4.25555E+09"
    add("excel-scientific", "Phone", r, p,
        "Excel's display of 4255550100; the digits are lost")
    # country UK
    p, r = special_profile("GB")
    r["country"] = "UK"
    add("country", "Country", r, p, "not ISO 3166-1; hint: use GB")
    # culture not of the country
    p, r = special_profile("DE")
    r["culture"] = "fr-FR"
    add("culture-country", "Culture", r, p,
        "the country is DE: de-DE (or en-US) would be accepted")
    # a culture in the language column
    p, r = special_profile("US")
    r["language"] = "en-US"
    add("language", "Language", r, p, "a culture, not a language; hint: en")
    # postal code written as a number
    p, r = special_profile("US", "Redmond")
    p["postal_code"] = "98052"
    r["postal_code"] = "98052.0"
    add("excel-number", "ZIP", r, p, "hint: did you mean 98052?")
    # line break inside Address Line 1
    p, r = special_profile("US", "Seattle")
    r["address_line1"] = p["address_line1"] + "\n" + p["address_line2"]
    r["address_line2"] = ""
    add("line-break", "Address Line 1", r, p,
        "a quoted cell with a line break (Alt+Enter in Excel); the record "
        "takes two physical lines")
    # Excel error value
    p, r = special_profile("US")
    r["state"] = "#N/A"
    add("excel-error", "State", r, p, "a failed VLOOKUP, not data")
    # ZIP without its leading zero
    p, r = special_profile("US", "Boston")
    p["postal_code"] = "02134"
    r["postal_code"] = "2134"
    add("postal-leading-zero", "ZIP", r, p,
        "Boston 02134 lost its leading zero; hint: did you mean 02134?")
    # normalizations
    p, r = special_profile("GB")
    r["last_name"] = r["last_name"][:2] + "\u200b" + r["last_name"][2:]
    add("zero-width", "Last Name", r, p,
        "a zero-width space inside the name, removed")
    p, r = special_profile("FR")
    r["company_name"] = r["company_name"].replace(" ", "\u00a0", 1)
    add("nbsp", "Company Name", r, p,
        "a no-break space, made a plain space")
    p, r = special_profile("AU", "Sydney")
    r["city"] = " Sydney "
    add("whitespace", "City", r, p, "a space before and after, trimmed")

    n_special_customers = len(specials)
    # records = normal + specials + conflict + duplicate + blank
    n_normal = N_RECORDS - n_special_customers - 3
    n_customers = n_normal + n_special_customers

    plan = country_plan(n_customers, rng)
    for *_, p, _ in specials:
        plan.remove(p["country"])
    assert len(plan) == n_normal

    kinds = ["full"] * 35 + ["address"] * 25 + ["contact"] * 25 + \
        ["sparse"] * 15
    normal = []
    for cc in plan:
        p = gen.profile(cc)
        normal.append((p, update_row(gen, p, rng.choice(kinds))))

    # <clear> in Address Line 2 (twice) and Region (twice), on full rows
    # of customers that have those fields.
    idx = list(range(len(normal)))
    rng.shuffle(idx)
    clear_rows = idx[:4]
    for k, i in enumerate(clear_rows):
        p, r = normal[i]
        col = "address_line2" if k < 2 else "region"
        r[col] = "<clear>"
        if col == "address_line2":
            r["address_line3"] = ""
    # The duplicate and the conflict come from two other customers.
    dup_i, conf_i = idx[4], idx[5]
    p, r = normal[dup_i]
    for k in CANON:
        if k in ("customer_id", "email", "country"):
            continue
        r[k] = p[k] if k not in ("address_line3", "region") else ""
    dup_row = dict(r)
    p, r = normal[conf_i]
    conf_row = dict(r)
    conf_row["email"] = gen.countries[p["country"]].email_local(
        *[slug(x).replace("-", "") for x in ("sam", "rivera")]) + "@" + \
        r["email"].split("@", 1)[1]
    if conf_row["email"] == r["email"]:
        conf_row["email"] = "accounts.payable@" + r["email"].split("@", 1)[1]

    # Assemble: normal rows in order, the others inserted at random
    # places (the blank line and the line break in the middle).
    records = [{"kind": "normal", "p": p, "row": r, "clear":
                ("address_line2" if i in clear_rows[:2] else
                 "region" if i in clear_rows[2:] else None),
                "dup_source": i == dup_i, "conf_source": i == conf_i}
               for i, (p, r) in enumerate(normal)]
    extra = [{"kind": rule, "p": p, "row": r, "column": col, "value": val,
              "note": note}
             for rule, col, val, note, p, r in specials]
    extra.append({"kind": "duplicate", "p": normal[dup_i][0],
                  "row": dup_row, "column": "(all)"})
    extra.append({"kind": "conflicting-rows", "p": normal[conf_i][0],
                  "row": conf_row, "column": "Email Address"})
    extra.append({"kind": "blank", "p": None,
                  "row": {k: "" for k in FIELDS}, "column": "(all)"})
    rng.shuffle(extra)
    positions = sorted(rng.sample(range(10, len(records) - 10), len(extra)))
    for pos, e in sorted(zip(positions, extra), key=lambda t: -t[0]):
        records.insert(pos, e)
    # The duplicate must come after its source.
    src = next(i for i, e in enumerate(records) if e.get("dup_source"))
    dup = next(i for i, e in enumerate(records) if e["kind"] == "duplicate")
    if dup < src:
        records[dup], records[src] = records[src], records[dup]
    assert len(records) == N_RECORDS
    return records


def write_update(path, records):
    """Writes the update as Excel's "CSV UTF-8" and returns, per record,
    the physical line it starts on."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=",", quoting=csv.QUOTE_MINIMAL,
                   lineterminator="\r\n")
    w.writerow(HEADER)
    line = 1 + buf.getvalue().count("\n")
    starts = []
    for rec in records:
        before = buf.tell()
        w.writerow([rec["row"][k] for k in FIELDS])
        starts.append(line)
        line += buf.getvalue()[before:].count("\n")
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write(buf.getvalue())
    return starts


# --------------------------------------------------------------------------
# The snapshot.

def current_values(gen, rec, category):
    """The account as the service holds it before the update."""
    rng = gen.rng
    p, r = rec["p"], rec["row"]
    cur = {k: p[k] for k in CANON}
    cc = p["country"]
    c = gen.countries[cc]
    if category == "identical":
        return cur
    if category == "untouched":
        # Matches every value the update gives; differs where it is empty.
        empty = [k for k in OPTIONAL if r.get(k, "") == "" and
                 k not in ("state", "language")]
        for k in rng.sample(empty, min(len(empty), rng.randrange(1, 3))):
            cur[k] = old_value(gen, p, k)
            if k == "culture" and r.get("language", "") == "":
                cur["language"] = old_value(gen, p, "language")
        return cur
    # Differs in some of the fields the update sets.
    given = [k for k in CANON if r.get(k) and k not in
             ("customer_id", "country")]
    groups = []
    if any(k in given for k in ADDRESS):
        groups.append("address")
    if any(k in given for k in ("first_name", "last_name")):
        groups.append("contact")
    for k in ("email", "phone_number", "company_name", "culture"):
        if k in given:
            groups.append(k)
    chosen = rng.sample(groups, min(len(groups), rng.randrange(1, 4)))
    if "email" not in chosen and "contact" in chosen:
        chosen.append("email")
    # A new billing email together with a new address is the pattern of
    # payment-redirection fraud, which check flags for review: keep it to
    # a handful of rows, as in a real month.
    moves = "address" in chosen or r.get("address_line2") == "<clear>"
    if "email" in chosen and moves:
        if gen.review_budget > 0:
            gen.review_budget -= 1
        elif "address" in chosen:
            chosen.remove("address")
        else:
            chosen.remove("email")
            if "contact" in chosen:
                chosen.remove("contact")
    for g in chosen:
        if g == "address":
            # The customer moved: the whole old address, and its phone.
            for _ in range(20):
                _, alt = gen.address(cc)
                if all(alt[k] != p[k] for k in ("address_line1", "city",
                                                "postal_code")):
                    break
            for k in ADDRESS + ["phone_number"]:
                cur[k] = nfc(alt[k])
        elif g == "contact":
            for k in ("first_name", "last_name"):
                cur[k] = old_value(gen, p, k)
        elif g == "culture":
            if cc == "CA":
                cur["culture"], cur["language"] = \
                    [x for x in c.cultures if x[0] != p["culture"]][0]
            elif cc != "US":
                cur["culture"], cur["language"] = "en-US", "en"
        else:
            cur[g] = old_value(gen, p, g)
    if r.get("address_line2") == "<clear>" and not cur["address_line2"]:
        cur["address_line2"] = old_value(gen, p, "address_line2")
    return cur


def old_value(gen, p, k):
    """A plausible earlier value of field k, different from p's."""
    c = gen.countries[p["country"]]
    city = p["_city"]
    for _ in range(50):
        if k in ("first_name", "last_name"):
            first, last, _, _ = (c.person_for(city) if p["country"] == "CA"
                                 else c.person())
            v = first if k == "first_name" else last
        elif k == "email":
            local = p["email"].split("@", 1)[0]
            dom = p["email"].split("@", 1)[1]
            v = c.email_local(*[slug(x).replace("-", "") or "x"
                                for x in ("alex", "morgan")])
            v = f"{v}@{dom}" if v != local else f"ap@{dom}"
        elif k == "company_name":
            # A rename: the same name with another trade or legal form.
            for _ in range(200):
                v, sl = (c.company(city) if p["country"] == "CN" else
                         c.company())
                if sl.split("-")[0] == p["_slug"].split("-")[0] and \
                        v != p[k]:
                    break
        elif k == "phone_number":
            v = c.phone(city)
        elif k == "address_line1":
            v = c.line1(city)
        elif k == "address_line2":
            v = c.line2(city)
        elif k == "address_line3":
            v = c.line3()
        elif k in ("culture", "language"):
            v = "en-US" if k == "culture" else "en"
            if p["country"] == "US":
                return p[k]
        elif k == "city":
            v = c.city()[0]
        elif k == "region":
            v = c.city()[2]
        elif k == "postal_code":
            v = gen.rng.choice(c.city()[3])
        else:
            return p[k]
        if v != p[k]:
            return nfc(v)
    return p[k]


def build_snapshot(gen, records):
    rng = gen.rng
    by_id = {}
    for rec in records:
        if rec["kind"] in ("blank", "guid"):
            continue
        cid = rec["row"]["customer_id"]
        if cid not in by_id:
            by_id[cid] = rec
    ids = list(by_id)
    # Four customers are not in the service; none of the special rows.
    candidates = [cid for cid in ids if by_id[cid]["kind"] == "normal" and
                  by_id[cid].get("clear") is None and
                  not by_id[cid].get("dup_source") and
                  not by_id[cid].get("conf_source")]
    not_found = rng.sample(candidates, N_NOT_FOUND)
    rows = []
    cats = {"identical": 0, "untouched": 0, "differ": 0}
    for cid in ids:
        if cid in not_found:
            continue
        rec = by_id[cid]
        x = rng.random()
        if rec["kind"] != "normal" or rec.get("clear") or rec.get("conf_source"):
            cat = "differ" if x < 0.6 else "identical"
            if rec.get("clear"):
                cat = "differ"
        else:
            cat = ("differ" if x < 0.62 else
                   "identical" if x < 0.88 else "untouched")
        cats[cat] += 1
        rows.append(current_values(gen, rec, cat))
    for _ in range(N_EXTRA):
        cc = rng.choice(["US", "US", "CN", "JP", "GB"])
        p = gen.profile(cc)
        rows.append({k: p[k] for k in CANON})
    rows.sort(key=lambda r: r["customer_id"])
    return rows, not_found, cats


def expected_outcomes(records, snap):
    """What check should conclude per data record: invalid, duplicate,
    not_found, unchanged or change (cells compared after normalization;
    the clear token compares as an empty value)."""
    cur = {r["customer_id"]: r for r in snap}
    seen = set()
    out = []
    for rec in records:
        k, r = rec["kind"], rec["row"]
        if k == "blank":
            continue
        if k not in ("normal", "duplicate", "nbsp", "zero-width",
                     "whitespace", "rules-accepted") or \
                rec.get("conf_source"):
            out.append("invalid")
            continue
        key = tuple(r[f] for f in FIELDS)
        if key in seen:
            out.append("duplicate")
            continue
        seen.add(key)
        c = cur.get(r["customer_id"])
        if c is None:
            out.append("not_found")
            continue
        diff = False
        for f in CANON:
            v = r[f].strip().replace("\u00a0", " ").replace("\u200b", "")
            if v == "":
                continue
            if v == "<clear>":
                v = ""
            if v != c[f]:
                diff = True
        out.append("change" if diff else "unchanged")
    return out


def write_snapshot(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow(CANON)
        for r in rows:
            w.writerow([r[k] for k in CANON])


# --------------------------------------------------------------------------
# The profile and the README.

EXAMPLE_INI = """\
; example.ini: a profile for `importer --profile example.ini ...`.
;
; A profile is optional. It tells importer what a file's own headers mean
; and how strict to be. Comments are lines that start with ';' or '#';
; a comment cannot follow a value on the same line.
;
; Only the sections and keys below are known; anything else is refused
; with the file name and line number.

[columns]
; HEADER = COLUMN maps a header of the input file to a canonical column:
;   customer_id, company_name, first_name, last_name, email, phone_number,
;   address_line1, address_line2, address_line3, city, state, region,
;   postal_code, country, culture, language
; or to "ignore", which drops the column without a warning.
;
; Headers that match a canonical name or a common alias loosely (case,
; spaces, '_' and '-' do not matter: "Customer ID", "Tenant ID", "ZIP",
; "Postcode", "Province", "Email Address", ...) need no line here, so
; samples/accounts-2026-11.csv works without a profile. Columns that are
; neither mapped nor ignored (that file's "Account Manager") are reported
; as unknown and carried into the report unchanged.
;
; The header on the left is matched the same loose way, and a line here
; wins over the built-in names and aliases.
Kundennummer = customer_id
Firmenname = company_name
Ansprechpartner Vorname = first_name
Ansprechpartner Nachname = last_name
Rechnungs-E-Mail = email
Strasse = address_line1
PLZ = postal_code
Ort = city
Bundesland = state
Land = country
Internal Notes = ignore

[validation]
; clear_token: the cell value that means "clear this field". An empty cell
; always means "leave unchanged", so clearing needs a token. Only
; address_line2, address_line3, region, phone_number and state can be
; cleared. The default is <clear>; it cannot be empty.
clear_token = <clear>

; required: columns (canonical names, separated by commas) that must be
; present and non-empty in every row, on top of customer_id, which always
; is. A row that leaves one empty is invalid and never sent.
required = email, country
"""


def write_readme(path, records, starts, info):
    o = info["outcomes"]

    def examples(pred, n=2):
        out = []
        for rec in records:
            if rec["kind"] != "normal":
                continue
            for k in CANON:
                v = rec["row"][k]
                if v and pred(rec["row"], k, v) and f"`{v}`" not in out:
                    out.append(f"`{v}`")
        return ", ".join(out[:n])
    ex = {
        "comma": examples(lambda r, k, v: "," in v, 3),
        "zip0": examples(lambda r, k, v: k == "postal_code" and
                         r["country"] == "US" and v.startswith("0")),
        "zip4": examples(lambda r, k, v: k == "postal_code" and
                         r["country"] == "US" and "-" in v, 1),
        "apos": examples(lambda r, k, v: "'" in v, 3),
    }
    def line_of(pred):
        return [starts[i] for i, rec in enumerate(records) if pred(rec)]

    def esc(s):
        return s.replace("|", "\\|")

    def loc(rule):
        return line_of(lambda r: r["kind"] == rule)

    conf = [(starts[i], rec["row"]["email"]) for i, rec in
            enumerate(records) if rec.get("conf_source") or
            rec["kind"] == "conflicting-rows"]
    dup_src = line_of(lambda r: r.get("dup_source"))[0]
    lb = loc("line-break")[0]
    rows = []
    for rec_i, rec in enumerate(records):
        k = rec["kind"]
        ln = starts[rec_i]
        if k == "normal" and not rec.get("conf_source"):
            continue
        if rec.get("conf_source") or k == "conflicting-rows":
            other = [c for c in conf if c[0] != ln][0]
            rows.append((ln, "Email Address", f"`{rec['row']['email']}`",
                         "`conflicting-rows` (invalid)",
                         f"line {other[0]} has the same customer and "
                         f"other cells, but `{other[1]}`"))
        elif k == "duplicate":
            rows.append((ln, "(all)", f"the cells of line {dup_src}",
                         "outcome `duplicate`",
                         f"an identical repeat of line {dup_src}; sent "
                         "once"))
        elif k == "blank":
            rows.append((ln, "(all)", "`,,,,,,,,,,,,,,,,`",
                         "skipped", "every cell empty; not a row"))
        elif k in ("nbsp", "zero-width", "whitespace"):
            shown = (f'`"{rec["value"]}"`' if k == "whitespace" else
                     f"`{rec['value']}`")
            rows.append((ln, rec["column"], shown,
                         f"normalization `{k}` (valid)", rec["note"]))
        else:
            if k == "line-break":
                rec = dict(rec, note=rec["note"] + f" ({ln}–{ln + 1})")
            rows.append((ln, rec["column"], f"`{rec['value']}`",
                         f"`{k}` (invalid)", rec["note"]))
    clears = [(starts[i], rec["clear"]) for i, rec in enumerate(records)
              if rec.get("clear")]
    table = "\n".join(f"| {ln} | {col} | {esc(val)} | {what} | {esc(note)} |"
                      for ln, col, val, what, note in sorted(rows))
    clear_txt = ", ".join(
        f"line {ln} ({'Address Line 2' if c == 'address_line2' else 'Region'})"
        for ln, c in sorted(clears))
    text = f"""\
# Sample files

Generated by `scripts/make-samples.py` (deterministic; run it again to
recreate them byte for byte). Names, companies, addresses, phone numbers
and email domains are made up.

| file | what it is |
|---|---|
| `accounts-2026-11.csv` | A monthly update as a finance team saves it from Excel ("CSV UTF-8"): UTF-8 with BOM, `,`, CRLF, Excel-style headers (`Customer ID`, `Email Address`, `ZIP`, …), {info['records']} records ({info['data_rows']} data rows and one blank line) for {info['distinct']} distinct customer IDs (one of them the broken GUID) in 11 countries. The last column, `Account Manager`, is not a canonical column: it is reported as unknown and carried into the report. An empty cell means "leave unchanged" (about {info['empty_pct']}% of the optional cells are empty); `<clear>` clears a field. Every row but the blank line has a Customer ID, an Email Address and a Country. |
| `current-accounts.csv` | The same accounts as the service holds them before the update, with the canonical headers, UTF-8 without BOM, LF: for `importer check --snapshot samples/current-accounts.csv`. {info['snapshot']} rows: every valid customer ID of the update except {N_NOT_FOUND} (they come out `not_found`), plus {N_EXTRA} customers the update does not mention. {o['change']} of the update's valid rows set some field to a new value; for {o['unchanged']} the non-empty cells already match the account (`unchanged`), and for some of these the account differs only in fields the row leaves empty. |
| `example.ini` | A commented profile: `[columns]` maps other headers (German ones here) to canonical columns or `ignore`; `[validation]` sets `clear_token` and `required`. Every row of the sample has an email and a country, so `required = email, country` changes no outcome: with or without the profile, staging gives the same counts. |

## Deliberate mistakes in `accounts-2026-11.csv`

Line numbers are physical lines: the header is line 1, and the record with
a line break inside a quoted cell (line {lb}) takes two lines, so every
record after it starts one line further down than its record number.
Each row has exactly one problem; all other rows are valid.

| line | column | value | rule / outcome | why |
|---|---|---|---|---|
{table}

Valid uses of the clear token: {clear_txt}.

Other things a reader has to cope with, all valid: commas inside quoted
cells ({ex['comma']}), US ZIP codes with a leading zero ({ex['zip0']}) and
ZIP+4 codes ({ex['zip4']}), Chinese and Japanese text, accented Latin
text, apostrophes ({ex['apos']}).

## Expected counts

Staging gives {info['data_rows']} rows (the blank line is skipped):
{o['invalid']} `invalid` (the {o['invalid'] - 2} mistakes above and both
conflicting rows), {o['duplicate']} `duplicate`, {info['data_rows'] - o['invalid'] - o['duplicate']} valid.
Checked against `current-accounts.csv`, the valid rows come out as
{o['change']} with changes, {o['unchanged']} `unchanged` and
{o['not_found']} `not_found`.
"""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# --------------------------------------------------------------------------
# Verification: re-reads what was written and checks it against the rules
# (a Python rendering of the checks importer makes) and the documented
# line numbers in the docstring above.

GUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                     r"[0-9a-f]{12}$")
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
POSTAL_RE = {
    "US": r"\d{5}(-\d{4})?", "CA": r"[A-Z]\d[A-Z] \d[A-Z]\d",
    "CN": r"\d{6}", "JP": r"\d{3}-\d{4}", "DE": r"\d{5}",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}", "FR": r"\d{5}",
    "IN": r"\d{6}", "BR": r"\d{5}-\d{3}", "AU": r"\d{4}", "MX": r"\d{5}",
    "PT": r"\d{4}-\d{3}", "AZ": r"AZ ?\d{4}",
}
STATES = {"US": {"WA", "NY", "MA", "TX", "IL", "CA", "CO", "GA", "NJ", "CT",
                 "OR", "FL", "NC", "MN"},
          "CA": {"ON", "QC", "BC", "AB"},
          "AU": {"NSW", "VIC", "QLD", "WA", "SA", "ACT"}}
# ISO 3166-2 codes stage accepts that the service's US list has not.
STATES["US"] |= {"PR"}
CULTURES = {"US": {"en-US"}, "CA": {"en-CA", "fr-CA"}, "GB": {"en-GB"},
            "DE": {"de-DE"}, "FR": {"fr-FR"}, "AU": {"en-AU"},
            "IN": {"en-IN"}, "BR": {"pt-BR"}, "MX": {"es-MX"},
            "CN": {"zh-CN"}, "JP": {"ja-JP"}, "PT": {"pt-PT"},
            "AZ": {"az-Latn-AZ"}}
EXCEL_ERRORS = {"#N/A", "#VALUE!", "#REF!", "#NAME?", "#DIV/0!", "#NULL!",
                "#NUM!"}


def problems(r):
    """Rule ids a row breaks, and the normalizations it needs."""
    out, norms = [], []
    cc = r["country"].strip()
    for k in FIELDS:
        v = r[k]
        if v.strip() in EXCEL_ERRORS:
            out.append("excel-error")
            continue
        if v != v.strip(" "):
            norms.append("whitespace")
        if "\u00a0" in v:
            norms.append("nbsp")
        if "\u200b" in v:
            norms.append("zero-width")
        if "\n" in v or "\r" in v:
            out.append("line-break")
        if v != nfc(v):
            out.append("not-nfc")
    v = {k: r[k].strip().replace("\u00a0", " ").replace("\u200b", "")
         for k in FIELDS}
    if v["state"] in EXCEL_ERRORS:
        v["state"] = ""
    if not GUID_RE.match(v["customer_id"]):
        out.append("guid")
    if not v["email"]:
        out.append("required-email")
    elif not EMAIL_RE.match(v["email"]):
        out.append("email")
    if cc not in CULTURES:
        out.append("country")
        cc = None
    ph = v["phone_number"]
    if ph:
        if re.fullmatch(r"\d+(\.\d+)?[Ee][+-]?\d+", ph):
            out.append("excel-scientific")
        elif not re.fullmatch(r"\+?[\d ()./-]+", ph):
            out.append("phone")
        else:
            digits = re.sub(r"\D", "", ph)
            if cc == "US" and not (len(digits) == 10 or
                                   (len(digits) == 11 and digits[0] == "1")):
                out.append("phone")
            if not 4 <= len(digits) <= 20:
                out.append("phone")
    elif cc in ("IN", "BR"):
        out.append("phone-required")
    pc = v["postal_code"]
    if pc and pc != "<clear>":
        if re.fullmatch(r"\d+\.0+", pc):
            out.append("excel-number")
        elif cc and not re.fullmatch(POSTAL_RE[cc], pc):
            if cc == "US" and re.fullmatch(r"\d{1,4}", pc):
                out.append("postal-leading-zero")
            else:
                out.append("postal-code")
    if cc in STATES and v["state"] and v["state"] not in STATES[cc]:
        out.append("state")
    if v["culture"]:
        if not re.fullmatch(r"[a-z]{2}-([A-Z][a-z]{3}-)?[A-Z]{2}",
                            v["culture"]):
            out.append("culture")
        elif cc and v["culture"] not in CULTURES[cc] and \
                v["culture"] != "en-US":
            out.append("culture-country")
    if v["language"]:
        if not re.fullmatch(r"[a-z]{2}|pt-PT|zh-CHS", v["language"]):
            out.append("language")
        elif v["culture"] and v["culture"][:2] != v["language"][:2] and \
                cc and v["culture"] in CULTURES[cc]:
            out.append("language-mismatch")
    for k in ("company_name", "first_name", "last_name", "address_line1",
              "address_line2", "address_line3", "city", "state", "region",
              "culture", "language", "email", "country", "customer_id"):
        if v[k] == "<clear>" and k not in ("address_line2", "address_line3",
                                           "region", "state",
                                           "phone_number"):
            out.append("clear-not-allowed")
    if len(v["first_name"]) > 50 or len(v["last_name"]) > 50:
        out.append("too-long")
    return out, norms


def documented():
    """(line, rule) pairs from the docstring's tables."""
    out = []
    for ln in __doc__.splitlines():
        m = re.match(r"^ {2,4}(\d+)\s+\S.*\s(\S+)$", ln)
        if m:
            rule = m.group(2)
            if rule == "GB)":
                rule = "country"
            if rule == "skipped":
                rule = "blank"
            out.append((int(m.group(1)), rule))
    clear = re.search(r"Address Line 2 on lines\s+(\d+) and (\d+), in "
                      r"Region on lines (\d+) and (\d+)", " ".join(
                          __doc__.split()))
    return sorted(out), [int(x) for x in clear.groups()]


def verify(outdir, records, starts, snapshot_rows, not_found):
    path = os.path.join(outdir, "accounts-2026-11.csv")
    raw = open(path, "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    # Every line ends in CRLF except the one inside the quoted cell.
    lf_only = [i + 1 for i, ln in enumerate(raw.split(b"\n")[:-1])
               if not ln.endswith(b"\r")]
    lb_line = starts[[r["kind"] for r in records].index("line-break")]
    assert lf_only == [lb_line], lf_only
    assert raw.endswith(b"\r\n")

    with open(path, encoding="utf-8-sig", newline="") as f:
        rd = csv.reader(f)
        header = next(rd)
        assert header == HEADER, header
        got = []
        prev = rd.line_num
        for row in rd:
            got.append((prev + 1, row))
            prev = rd.line_num
    assert len(got) == N_RECORDS + len(RULES_ROWS), len(got)
    assert all(len(row) == len(HEADER) for _, row in got)
    # Physical lines: counting newlines in the raw bytes agrees with the
    # reader's and with what the writer recorded.
    text = raw.decode("utf-8-sig")
    assert [ln for ln, _ in got] == starts
    assert text.count("\n") == starts[-1]

    found = []
    clear_lines = []
    seen = {}
    for (ln, row), rec in zip(got, records):
        r = dict(zip(FIELDS, row))
        assert r == rec["row"], (ln, r, rec["row"])
        k = rec["kind"]
        if k == "blank":
            assert all(x == "" for x in row)
            found.append((ln, "blank"))
            continue
        errs, norms = problems(r)
        if "<clear>" in row:
            clear_lines.append(ln)
        if k in ("nbsp", "zero-width", "whitespace"):
            assert errs == [] and norms == [k], (ln, errs, norms)
            found.append((ln, k))
        elif k.startswith("rules-"):
            # Valid by stage's rules: only the service's judge them.
            assert errs == [] and norms == [], (ln, k, errs, norms, r)
            found.append((ln, k))
        elif k in ("normal", "duplicate", "conflicting-rows"):
            assert errs == [] and norms == [], (ln, k, errs, norms, r)
            if k != "normal":
                found.append((ln, k))
            elif rec.get("conf_source"):
                found.append((ln, "conflicting-rows"))
        else:
            assert errs == [k] and norms == [], (ln, k, errs, norms)
            found.append((ln, k))
        # Every non-mistake row has email and country, as example.ini
        # requires.
        if k not in ("email",):
            assert r["email"] and r["country"]
        key = tuple(row)
        if k == "duplicate":
            assert key in seen, ln
        seen[key] = ln
    # Only the one duplicate, the only repeated customer besides it is the
    # conflict.
    ids = [row[0] for _, row in got if any(row)]
    repeats = {i for i in ids if ids.count(i) > 1}
    assert len(repeats) == 2, repeats

    doc, doc_clear = documented()
    if sorted(found) != doc or sorted(clear_lines) != sorted(doc_clear):
        for ln, k in sorted(found):
            print(f"{ln:5d}  {k}", file=sys.stderr)
        print("clear:", sorted(clear_lines), file=sys.stderr)
        raise SystemExit("make-samples: the docstring's line numbers are "
                         "out of date (the lines above are right)")

    # The snapshot.
    spath = os.path.join(outdir, "current-accounts.csv")
    sraw = open(spath, "rb").read()
    assert not sraw.startswith(b"\xef\xbb\xbf") and b"\r" not in sraw
    with open(spath, encoding="utf-8", newline="") as f:
        srows = list(csv.DictReader(f))
    assert len(srows) == len(snapshot_rows)
    valid_ids = {row[0] for _, row in got if GUID_RE.match(row[0])}
    snap_ids = [r["customer_id"] for r in srows]
    assert len(set(snap_ids)) == len(snap_ids)
    assert valid_ids - set(snap_ids) == set(not_found)
    assert len(set(snap_ids) - valid_ids) == N_EXTRA
    for r in srows:
        assert all(r[k] for k in CANON), r
        r = dict(r, account_manager="")
        errs, norms = problems(r)
        assert errs == [] and norms == [], (r, errs)
    return found


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(os.path.dirname(here), "samples")
    os.makedirs(outdir, exist_ok=True)

    gen = Generator(SEED)
    records = build(gen) + rules_records()
    starts = write_update(os.path.join(outdir, "accounts-2026-11.csv"),
                          records)
    snap, not_found, cats = build_snapshot(gen, records[:N_RECORDS])
    snap = sorted(snap + rules_snapshot(), key=lambda r: r["customer_id"])
    write_snapshot(os.path.join(outdir, "current-accounts.csv"), snap)
    with open(os.path.join(outdir, "example.ini"), "w", encoding="utf-8",
              newline="\n") as f:
        f.write(EXAMPLE_INI)

    data = [r for r in records if r["kind"] != "blank"]
    cells = [r["row"][k] for r in data for k in OPTIONAL
             if k not in ("address_line3", "region")]
    distinct = len({r["row"]["customer_id"] for r in data})
    n_invalid = sum(1 for r in data if r["kind"] not in
                    ("normal", "duplicate", "nbsp", "zero-width",
                     "whitespace", "rules-accepted")) + \
        1     # + the conflict's first row
    info = {
        "records": len(records), "data_rows": len(data),
        "distinct": distinct, "snapshot": len(snap),
        "empty_pct": round(100 * sum(1 for c in cells if c == "") /
                           len(cells)),
        "n_invalid": n_invalid,
    }
    outcomes = expected_outcomes(records, snap)
    info["outcomes"] = {k: outcomes.count(k) for k in
                        ("invalid", "duplicate", "not_found", "unchanged",
                         "change")}
    assert info["outcomes"]["invalid"] == n_invalid
    assert info["outcomes"]["not_found"] == N_NOT_FOUND
    write_readme(os.path.join(outdir, "README.md"), records, starts, info)
    found = verify(outdir, records, starts, snap, not_found)

    if "-v" in sys.argv or os.environ.get("MAKE_SAMPLES_VERBOSE"):
        for ln, k in sorted(found):
            print(f"{ln:5d}  {k}")
    print(f"{outdir}: {info['data_rows']} data rows + 1 blank line, "
          f"{distinct} distinct customer IDs, {len(snap)} snapshot rows "
          f"({cats['differ']} differ, {cats['identical']} identical, "
          f"{cats['untouched']} differ only where the update is empty; "
          f"{len(not_found)} not found, {N_EXTRA} extra), "
          f"{info['empty_pct']}% of optional cells empty; expected "
          f"outcomes {info['outcomes']}")


if __name__ == "__main__":
    main()
