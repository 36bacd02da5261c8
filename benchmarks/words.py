"""Word and name lists for the corpus generator: fixed here so every machine builds the same corpus.

Real names (with their accents) are what people search for; the long tail of the vocabulary is
made of generated pseudo-words (see `corpus.py`), which gives a realistic Zipf tail and plenty
of near-neighbour spellings for the typo matcher to get wrong.
"""

from __future__ import annotations

STOPWORDS: tuple[str, ...] = tuple(
    """the of and to in a is that for on was with as by it at from he said his be are
    has have an not this but they were had its which their will or been who after more would
    she also her than about new one two up we there out over when year all can into could
    other some last first no only them what while so our i you if most many these may very
    just like then before under since""".split()
)
"""Function words: the head of the Zipf distribution, never chosen as eval query words."""

NEWS_WORDS: tuple[str, ...] = tuple(
    """government president minister country people police state officials security military
    election party report court week month today city company market percent million billion
    people power support public forces agreement talks deal defense defence system systems
    systems delivery deliveries production joint attack border war peace troops army navy air
    missile missiles fighter jets aircraft drone drones sanctions economy economic growth
    inflation prices energy gas oil pipeline exports imports trade tariffs budget tax taxes
    bank central interest rates investors shares stocks profit losses workers strike union
    protest protesters crowd rally vote voters campaign candidate opposition coalition
    parliament senate congress law bill reform health hospital vaccine virus outbreak doctors
    patients schools students teachers university research scientists climate emissions
    flooding drought wildfire storm hurricane earthquake rescue victims killed injured dead
    arrested charged trial judge prosecutors investigation corruption scandal leader leaders
    summit meeting visit statement spokesman spokeswoman agency ministry foreign domestic
    national regional local international global western eastern northern southern capital
    region province district village coast island river mountain highway railway airport port
    shipping container cargo fuel electricity nuclear reactor plant factory jobs unemployment
    housing rent mortgage families children women men youth migrants refugees asylum
    humanitarian aid food water shortage crisis emergency ceasefire negotiations envoy embassy
    diplomat diplomats alliance partner partners treaty contract contracts purchase order
    orders fleet satellite launch rocket space mission technology software chip chips
    semiconductor phone phones smartphone battery batteries electric vehicle vehicles cars
    carmaker automaker recall safety regulator regulators antitrust lawsuit data privacy
    hackers cyber ransomware outage network internet platform users social media video
    football league match season coach players championship tournament olympic final cup
    team club transfer goal victory defeat record film festival music album artist museum
    exhibition book author prize award history culture tourism tourists hotel restaurant
    weather forecast heat cold snow rain farmers harvest wheat grain corn coffee sugar cocoa
    copper gold lithium mining mine steel aluminium ships shipyard submarine frigate tank
    tanks artillery ammunition shells rockets radar stealth training pilots exercise drills
    offensive counteroffensive front frontline occupied annexed referendum independence
    separatists rebels militants insurgents bomb explosion blast shooting gunmen hostages
    kidnapping smuggling trafficking drugs cartel gang gangs prison inmates sentence appeal
    ruling constitution amendment decree veto resign resignation cabinet reshuffle
    appointment ambassador consulate visa passport citizens population census survey poll
    polls analysts experts observers critics supporters officials sources residents witnesses
    announced confirmed denied rejected approved signed launched warned threatened promised
    pledged urged called demanded accused criticised praised welcomed condemned suspended
    delayed cancelled postponed extended expanded reduced raised cut increased decreased
    rose fell jumped plunged surged slumped climbed dropped reached hit
    """.split()
)
"""Common content words, ranked after the stopwords."""

HEAD_VERBS: tuple[str, ...] = tuple(
    """says warns rejects signs plans delays approves blocks backs slams eyes seeks weighs
    halts resumes boosts cuts raises extends unveils confirms denies probes targets hits
    urges vows pledges orders bans clears wins loses""".split()
)
"""Headline verbs (third person, present tense)."""

FIRST_NAMES: tuple[str, ...] = tuple(
    """Recep Emmanuel Olaf Vladimir Joe Xi Narendra Luiz Ursula Jens Volodymyr Giorgia Pedro
    Rishi Keir Justin Fumio Yoon Javier Gustavo Andrés Claudia Benjamin Mohammed Abdel Ebrahim
    Hakan Mevlüt Sergei Dmitry Antony Lloyd Mark Kamala Donald Angela Friedrich Annalena
    Robert Christine Jerome Janet Kristalina Ngozi António Josep Kaja Mette Ulf Petteri
    Sanna Mateusz Andrzej Viktor Aleksandar Nikol Ilham Kassym Shavkat Tsai William Lai Anwar
    Prabowo Bongbong Shehbaz Imran Cyril Bola William Paul Abiy Félix Macky Emmerson Hage
    Søren François Jürgen Zoë Małgorzata Jiří Ömer Çağla Dilek İbrahim Gökhan José María
    Inês João Sebastián Álvaro Nuño Renée Noémie Björn Åsa Łukasz Władysław Tomáš Ülle""".split()
)
LAST_NAMES: tuple[str, ...] = tuple(
    """Erdoğan Macron Scholz Putin Biden Jinping Modi Lula Leyen Stoltenberg Zelensky Meloni
    Sánchez Sunak Starmer Trudeau Kishida Milei Petro López Sheinbaum Netanyahu Salman Sisi
    Raisi Fidan Çavuşoğlu Lavrov Peskov Blinken Austin Milley Harris Trump Merkel Merz
    Baerbock Habeck Lagarde Powell Yellen Georgieva Okonjo Guterres Borrell Kallas
    Frederiksen Kristersson Orpo Marin Morawiecki Duda Orbán Vučić Pashinyan Aliyev Tokayev
    Mirziyoyev Ingwen Ruto Ching Ibrahim Subianto Marcos Sharif Khan Ramaphosa Tinubu Kagame
    Ahmed Tshisekedi Sall Mnangagwa Geingob Müller Schröder Weiß Groß Öztürk Yılmaz Kaya
    Demir Şahin Çelik Aydın Arslan Doğan Koç Kılıç Nuñez González Rodríguez Fernández
    Pérez Gómez Martín Díaz Hernández Ruiz Jiménez Álvarez Moreno Muñoz Romero Navarro
    Gutiérrez Ramírez Gonçalves Conceição Araújo Magalhães Simões Lefèvre Dubois Moreau
    Girard Bonnaire Rousseau Dvořák Novák Svoboda Nowak Wójcik Kowalczyk Wiśniewski
    Łukaszewski Kovačević Jovanović Petrović Horváth Nagy Tóth Virtanen Korhonen Nieminen
    Johansson Andersson Nilsson Søndergaard Hansen Jørgensen Østergaard Kim Park Lee Choi
    Tanaka Suzuki Watanabe Nakamura Chen Wang Zhang Liu Nguyen Tran Pham Singh Patel
    Sharma Gupta Okafor Adeyemi Mensah Mwangi Otieno Haddad Khoury Nasser Farouk""".split()
)
FAMOUS_PEOPLE: tuple[str, ...] = (
    "Recep Tayyip Erdoğan",
    "Emmanuel Macron",
    "Olaf Scholz",
    "Vladimir Putin",
    "Joe Biden",
    "Xi Jinping",
    "Narendra Modi",
    "Luiz Inácio Lula da Silva",
    "Ursula von der Leyen",
    "Jens Stoltenberg",
    "Volodymyr Zelensky",
    "Giorgia Meloni",
    "Pedro Sánchez",
    "Hakan Fidan",
    "Mevlüt Çavuşoğlu",
    "Sergei Lavrov",
    "Antony Blinken",
    "Viktor Orbán",
    "Javier Milei",
    "Claudia Sheinbaum",
    "Benjamin Netanyahu",
    "Kristalina Georgieva",
    "António Guterres",
    "Christine Lagarde",
)
"""Always in the corpus, at the head of the people distribution."""

COUNTRIES: tuple[str, ...] = (
    "Turkey",
    "Türkiye",
    "Russia",
    "Ukraine",
    "United States",
    "China",
    "India",
    "Brazil",
    "Germany",
    "France",
    "Italy",
    "Spain",
    "Portugal",
    "Poland",
    "Hungary",
    "Greece",
    "Cyprus",
    "Israel",
    "Iran",
    "Iraq",
    "Syria",
    "Lebanon",
    "Jordan",
    "Egypt",
    "Saudi Arabia",
    "Qatar",
    "United Arab Emirates",
    "Pakistan",
    "Afghanistan",
    "Japan",
    "South Korea",
    "North Korea",
    "Taiwan",
    "Vietnam",
    "Indonesia",
    "Philippines",
    "Australia",
    "Canada",
    "Mexico",
    "Argentina",
    "Colombia",
    "Chile",
    "Peru",
    "Venezuela",
    "Nigeria",
    "Kenya",
    "Ethiopia",
    "South Africa",
    "Morocco",
    "Algeria",
    "Libya",
    "Sudan",
    "Azerbaijan",
    "Armenia",
    "Georgia",
    "Kazakhstan",
    "Belarus",
    "Serbia",
    "Kosovo",
    "Romania",
    "Bulgaria",
    "Sweden",
    "Finland",
    "Norway",
    "Denmark",
    "Iceland",
    "Netherlands",
    "Belgium",
    "Austria",
    "Switzerland",
    "Czechia",
    "Slovakia",
    "Estonia",
    "Latvia",
    "Lithuania",
    "Moldova",
    "Côte d'Ivoire",
    "Curaçao",
)
CITIES: tuple[str, ...] = (
    "Ankara",
    "Istanbul",
    "İzmir",
    "Moscow",
    "Kyiv",
    "Kharkiv",
    "Odesa",
    "Washington",
    "New York",
    "Beijing",
    "Shanghai",
    "New Delhi",
    "Mumbai",
    "São Paulo",
    "Brasília",
    "Rio de Janeiro",
    "Berlin",
    "Munich",
    "Düsseldorf",
    "Köln",
    "Paris",
    "Marseille",
    "Rome",
    "Milan",
    "Madrid",
    "Barcelona",
    "Málaga",
    "Lisbon",
    "Porto",
    "Warsaw",
    "Kraków",
    "Gdańsk",
    "Łódź",
    "Budapest",
    "Athens",
    "Nicosia",
    "Jerusalem",
    "Tel Aviv",
    "Tehran",
    "Baghdad",
    "Damascus",
    "Beirut",
    "Cairo",
    "Riyadh",
    "Doha",
    "Dubai",
    "Islamabad",
    "Karachi",
    "Kabul",
    "Tokyo",
    "Osaka",
    "Seoul",
    "Pyongyang",
    "Taipei",
    "Hanoi",
    "Jakarta",
    "Manila",
    "Sydney",
    "Ottawa",
    "Montréal",
    "Québec",
    "Mexico City",
    "Buenos Aires",
    "Bogotá",
    "Medellín",
    "Santiago",
    "Lima",
    "Caracas",
    "Lagos",
    "Abuja",
    "Nairobi",
    "Addis Ababa",
    "Johannesburg",
    "Rabat",
    "Algiers",
    "Tripoli",
    "Khartoum",
    "Baku",
    "Yerevan",
    "Tbilisi",
    "Astana",
    "Minsk",
    "Belgrade",
    "Pristina",
    "Bucharest",
    "Sofia",
    "Stockholm",
    "Malmö",
    "Göteborg",
    "Helsinki",
    "Oslo",
    "Tromsø",
    "Copenhagen",
    "Reykjavík",
    "Amsterdam",
    "Brussels",
    "Vienna",
    "Zürich",
    "Genève",
    "Prague",
    "Brno",
    "Bratislava",
    "Tallinn",
    "Riga",
    "Vilnius",
    "Chișinău",
    "Thessaloniki",
    "Gaziantep",
    "Diyarbakır",
    "Eskişehir",
)
ORGANISATIONS: tuple[str, ...] = (
    "NATO",
    "Lockheed Martin",
    "Rosoboronexport",
    "Rosatom",
    "Gazprom",
    "Boeing",
    "Airbus",
    "Raytheon",
    "Northrop Grumman",
    "General Dynamics",
    "BAE Systems",
    "Rheinmetall",
    "Leonardo",
    "Thales",
    "Saab",
    "Baykar",
    "Aselsan",
    "Roketsan",
    "Turkish Aerospace",
    "Embraer",
    "Petrobras",
    "Vale",
    "Siemens",
    "Volkswagen",
    "Mercedes-Benz",
    "Stellantis",
    "Renault",
    "Nestlé",
    "Société Générale",
    "BNP Paribas",
    "Deutsche Bank",
    "Banco Santander",
    "Huawei",
    "Samsung",
    "TSMC",
    "Toyota",
    "Tesla",
    "Apple",
    "Microsoft",
    "Alphabet",
    "Meta",
    "OpenAI",
    "Nvidia",
    "Intel",
    "OPEC",
    "IMF",
    "World Bank",
    "United Nations",
    "European Commission",
    "European Central Bank",
    "Federal Reserve",
    "Red Cross",
    "World Health Organization",
    "Pentagon",
    "Kremlin",
    "Bundeswehr",
    "Hamas",
    "Hezbollah",
    "Wagner Group",
    "Anadolu Agency",
    "Türk Telekom",
    "Turkcell",
    "Garanti BBVA",
    "Koç Holding",
    "Sabancı Holding",
    "Pegasus Airlines",
    "Turkish Airlines",
    "Lufthansa",
    "Ryanair",
    "Maersk",
    "Équinor",
    "Ørsted",
    "Škoda",
    "Citroën",
)
CODES: tuple[str, ...] = (
    "S-400",
    "S-500",
    "S-300",
    "F-35",
    "F-16",
    "F-15EX",
    "Su-57",
    "Su-35",
    "MiG-29",
    "T-90",
    "T-72",
    "M1A2",
    "Leopard 2A7",
    "HIMARS",
    "M142",
    "PAC-3",
    "MQ-9",
    "TB2",
    "Akıncı",
    "KAAN",
    "A320neo",
    "737 MAX",
    "A350-1000",
    "787-9",
    "C919",
    "iPhone 15",
    "Galaxy S24",
    "H100",
    "RTX 4090",
    "COVID-19",
    "H5N1",
    "G20",
    "G7",
    "COP28",
    "COP29",
    "5G",
    "Brent",
    "ATACMS",
    "Storm Shadow",
    "Iskander-M",
    "Kinzhal",
    "Kh-101",
    "Shahed-136",
    "Bayraktar TB3",
    "Eurofighter",
    "Rafale",
    "Gripen E",
    "KF-21",
    "J-20",
    "DF-41",
    "Type 055",
    "Borei-A",
)
SOURCES: tuple[str, ...] = (
    "Reuters",
    "Associated Press",
    "Agence France-Presse",
    "Anadolu Agency",
    "BBC News",
    "Al Jazeera",
    "Deutsche Welle",
    "Le Monde",
    "Le Figaro",
    "Folha de S.Paulo",
    "O Globo",
    "El País",
    "Der Spiegel",
    "Süddeutsche Zeitung",
    "The Guardian",
    "Financial Times",
    "Bloomberg",
    "TASS",
    "Hürriyet Daily News",
    "Daily Sabah",
    "Kyiv Independent",
    "South China Morning Post",
    "The Hindu",
    "Defense News",
    "Breaking Defense",
    "TechCrunch",
    "Ars Technica",
    "The Verge",
    "Nikkei Asia",
    "Haaretz",
    "Yonhap",
    "Kyodo News",
    "DESPARDES News Monitor",
    "Politico Europe",
    "Euractiv",
    "Janes",
    "Público",
    "Dagens Nyheter",
    "Gazeta Wyborcza",
    "Népszava",
)

TITLE_TEMPLATES: tuple[str, ...] = (
    "{P} says {C} will {v} {n} {n}",
    "{O} {v3} {K} {n} with {C}",
    "{C} and {C2} discuss joint {n} of {K} {n}",
    "{n} in {X}: {P} {v3} {n}",
    "{X} {n} {n} as {O} {v3} {n}",
    "Why {O}'s {K} {n} matters for {C}",
    "{P} {v3} {n} {n} after {n} in {X}",
    "{C} {v3} {K} {n}, {P} says",
    "{O} to {v} {n} {n} in {X}",
    "{n} {n}: what {P}'s {n} means for {C}",
    "{K} {n} {n} delayed, {O} says",
    "{P} and {P2} {v} {n} in {X}",
    "{C} {n} {n} {v3} {n} {n}",
    "Live: {n} {n} in {X} as {C} {v3} {n}",
    "{O} {n} {n} {v3} {n} in {C}",
    "Analysis: {C}'s {n} {n} and the {K}",
)
