"""Demo content for the ``seed-demo`` command.

Plain data only: topics, citizen questions (half Dutch, half English),
comments, replies and fictional members. All people named here are
fictional. Four pairs of near-duplicate questions are included on purpose
so that duplicate detection has something to find:

* microplastics in tap water (en, water-and-soil)
* subsidence in the Groene Hart peat meadows (nl, water-and-soil)
* removing garden tiles against flooding (nl, city-and-neighbourhood)
* screen time and children's sleep (en, education-and-youth)
"""

from __future__ import annotations

TOPICS: list[dict] = [
    {
        "slug": "health",
        "name_en": "Health",
        "name_nl": "Gezondheid",
        "description_en": (
            "Questions about body and mind, illness and care, and what keeps "
            "people healthy at every age."
        ),
        "description_nl": (
            "Vragen over lichaam en geest, ziekte en zorg, en wat mensen op "
            "elke leeftijd gezond houdt."
        ),
    },
    {
        "slug": "climate-and-nature",
        "name_en": "Climate and nature",
        "name_nl": "Klimaat en natuur",
        "description_en": (
            "Weather, a changing climate and the plants and animals around us, "
            "from city gardens to the North Sea."
        ),
        "description_nl": (
            "Het weer, een veranderend klimaat en de planten en dieren om ons "
            "heen, van stadstuin tot Noordzee."
        ),
    },
    {
        "slug": "water-and-soil",
        "name_en": "Water and soil",
        "name_nl": "Water en bodem",
        "description_en": (
            "Living below sea level: dikes, groundwater, drinking water and "
            "sinking peat soils. A very Dutch topic."
        ),
        "description_nl": (
            "Wonen onder zeeniveau: dijken, grondwater, drinkwater en "
            "inklinkende veengrond. Typisch Nederlands dus."
        ),
    },
    {
        "slug": "city-and-neighbourhood",
        "name_en": "City and neighbourhood",
        "name_nl": "Stad en wijk",
        "description_en": (
            "Housing, traffic, green space and living together in streets and "
            "neighbourhoods."
        ),
        "description_nl": (
            "Wonen, verkeer, groen en samenleven in je straat en je wijk."
        ),
    },
    {
        "slug": "education-and-youth",
        "name_en": "Education and youth",
        "name_nl": "Onderwijs en jeugd",
        "description_en": (
            "How children grow up and learn, at home, at school and online."
        ),
        "description_nl": (
            "Hoe kinderen opgroeien en leren: thuis, op school en online."
        ),
    },
    {
        "slug": "technology-and-society",
        "name_en": "Technology and society",
        "name_nl": "Technologie en samenleving",
        "description_en": (
            "AI, privacy, energy and the apps and devices that change how we "
            "live and work."
        ),
        "description_nl": (
            "AI, privacy, energie en de apps en apparaten die veranderen hoe we "
            "leven en werken."
        ),
    },
    {
        "slug": "history-and-heritage",
        "name_en": "History and heritage",
        "name_nl": "Geschiedenis en erfgoed",
        "description_en": (
            "The past of our towns and families: buildings, archives, stories "
            "and traditions."
        ),
        "description_nl": (
            "Het verleden van onze steden en families: gebouwen, archieven, "
            "verhalen en tradities."
        ),
    },
    {
        "slug": "food-and-farming",
        "name_en": "Food and farming",
        "name_nl": "Voeding en landbouw",
        "description_en": (
            "What we eat, where it comes from and how farmers can keep "
            "producing it in a changing country."
        ),
        "description_nl": (
            "Wat we eten, waar het vandaan komt en hoe boeren het kunnen blijven "
            "produceren in een veranderend land."
        ),
    },
]


QUESTIONS: list[dict] = [
    # ------------------------------------------------------------------
    # health
    # ------------------------------------------------------------------
    {
        "title": "Waarom krijgen steeds meer kinderen in mijn omgeving een voedselallergie?",
        "body": (
            "Mijn dochter van zes is allergisch voor pinda's en in haar klas "
            "zitten nog drie kinderen met een allergie. Toen ik zelf op de "
            "basisschool zat, kende ik niemand die dat had. Komt dat doordat "
            "artsen er nu beter op letten, of gebeurt er echt iets met ons "
            "afweersysteem?"
        ),
        "language": "nl",
        "topic": "health",
        "tags": ["allergie", "kinderen"],
        "place": "Leiderdorp",
    },
    {
        "title": "Helpt elke dag wandelen echt tegen beginnende dementie, of is dat een fabeltje?",
        "body": (
            "Mijn vader (81) heeft sinds vorig jaar de diagnose beginnende "
            "dementie. De huisarts zegt dat hij vooral moet blijven bewegen, en "
            "we lopen nu elke ochtend samen een rondje door het park. Ik merk "
            "dat hij daarna helderder is, maar ik vraag me af of het de ziekte "
            "ook **echt afremt** of dat het alleen prettig voelt."
        ),
        "language": "nl",
        "topic": "health",
        "tags": ["dementie", "bewegen", "ouderen"],
        "place": "Oegstgeest",
    },
    {
        "title": "Waarom duurt het na een hersenschudding soms maanden voordat je weer de oude bent?",
        "body": (
            "Ik viel in januari van mijn fiets en had een lichte "
            "hersenschudding. Op de scan was niks te zien, maar ik heb nog "
            "steeds hoofdpijn en kan slecht tegen drukte en fel licht. Op mijn "
            "werk snappen ze niet zo goed waarom ik nog niet hersteld ben. Wat "
            "gebeurt er eigenlijk in je hoofd?"
        ),
        "language": "nl",
        "topic": "health",
        "tags": ["hersenschudding", "herstel"],
        "place": None,
    },
    {
        "title": "Hoe schadelijk is de houtrook van buren met een houtkachel voor mijn longen?",
        "body": (
            "In de winter ruikt het in onze straat bijna elke avond naar "
            "houtrook. Ik heb astma en merk dat ik dan meer moet puffen. Op "
            "[Luchtmeetnet](https://www.luchtmeetnet.nl/) zie ik wel cijfers "
            "over fijnstof, maar die meetpunten staan niet bij mij in de straat. "
            "Weet iemand hoe groot het effect is op zo'n korte afstand?"
        ),
        "language": "nl",
        "topic": "health",
        "tags": ["houtrook", "luchtkwaliteit", "astma"],
        "place": "Leiden Noord",
    },
    {
        "title": "Does working night shifts really shorten your life, and if so, by how much?",
        "body": (
            "I've been a nurse for twelve years and work roughly one week of "
            "nights every month. Colleagues keep sharing scary headlines about "
            "night work and cancer or heart disease. I'd like to know what the "
            "actual risk is, and whether there's anything we can do to reduce "
            "it, like sleeping at fixed times or eating differently."
        ),
        "language": "en",
        "topic": "health",
        "tags": ["sleep", "shift-work"],
        "place": "Leiden",
    },
    {
        "title": "Why do some people get long COVID while others with the same infection recover in a week?",
        "body": (
            "My partner and I had COVID at the same time in 2022. I was back "
            "at work after a week, but she still gets exhausted after a short "
            "walk. The [RIVM](https://www.rivm.nl/) website explains the "
            "symptoms, but not **why** it hits one person and not the other. "
            "Is it genetics, the immune system, something else?"
        ),
        "language": "en",
        "topic": "health",
        "tags": ["long-covid", "immune-system"],
        "place": "Den Haag",
    },
    {
        "title": "Is loneliness really as bad for your health as smoking?",
        "body": (
            "I read this claim in a magazine at the dentist and it stuck with "
            "me. Since retiring I see far fewer people during the week. How do "
            "researchers even measure something like that, and is the "
            "comparison fair?"
        ),
        "language": "en",
        "topic": "health",
        "tags": ["loneliness", "older-people"],
        "place": "Katwijk",
    },
    {
        "title": "Why does my hay fever seem to start earlier every spring?",
        "body": (
            "When I was a student my hay fever started in May. Now I'm "
            "sneezing in February already. Things I've noticed:\n"
            "\n"
            "- the hazel and alder trees in my street flower much earlier\n"
            "- my symptoms last longer into the summer\n"
            "- my kids have started getting it too\n"
            "\n"
            "Is this climate change, more pollen, or just me getting older?"
        ),
        "language": "en",
        "topic": "health",
        "tags": ["hay-fever", "pollen"],
        "place": "Utrecht",
    },
    # ------------------------------------------------------------------
    # climate-and-nature
    # ------------------------------------------------------------------
    {
        "title": "Waarom zie ik in mijn tuin bijna geen egels meer?",
        "body": (
            "Vroeger liep er elke zomeravond wel een egel door onze tuin. De "
            "afgelopen drie jaar heb ik er niet één meer gezien, terwijl we "
            "zelfs een egelhuisje hebben neergezet. Ik heb mijn waarnemingen "
            "op [Waarneming.nl](https://waarneming.nl/) gezet, maar ik wil "
            "graag weten of het in de hele regio zo slecht gaat."
        ),
        "language": "nl",
        "topic": "climate-and-nature",
        "tags": ["egels", "tuin"],
        "place": "Voorschoten",
    },
    {
        "title": "Jagen de grote groepen ganzen in de polder de weidevogels zoals de grutto weg?",
        "body": (
            "Ik fiets elke dag langs de weilanden bij Zoeterwoude. Ik zie "
            "steeds meer ganzen en steeds minder grutto's en kieviten. Mijn "
            "buurman zegt dat de ganzen de schuld zijn, maar ik heb ook gehoord "
            "dat het aan het maaien ligt. Wie heeft er gelijk?"
        ),
        "language": "nl",
        "topic": "climate-and-nature",
        "tags": ["weidevogels", "grutto", "ganzen"],
        "place": "Zoeterwoude",
    },
    {
        "title": "Heeft een bloemenstrook in een kleine stadstuin eigenlijk zin voor wilde bijen?",
        "body": (
            "Onze tuin is maar vijf bij zes meter. Ik wil wel iets doen voor "
            "bijen, maar ik vraag me af of zo'n klein stukje iets uitmaakt. "
            "Tellen al die kleine tuintjes samen op, of moet je echt grote "
            "stukken natuur hebben?"
        ),
        "language": "nl",
        "topic": "climate-and-nature",
        "tags": ["bijen", "insecten", "tuin"],
        "place": "Leiden",
    },
    {
        "title": "Waarom worden de winters zachter terwijl het soms nog zo koud aanvoelt?",
        "body": (
            "Volgens het [KNMI](https://www.knmi.nl/) is het gemiddeld steeds "
            "warmer, maar afgelopen februari had ik het op de fiets echt "
            "**ijskoud**. Mijn opa zegt dat het vroeger veel vaker vroor en dat "
            "je toen nog op de Vliet kon schaatsen. Hoe zit dat met gemiddelden "
            "en uitschieters?"
        ),
        "language": "nl",
        "topic": "climate-and-nature",
        "tags": ["klimaat", "winter"],
        "place": None,
    },
    {
        "title": "Are the green parakeets in Leiden's parks pushing out native birds?",
        "body": (
            "A few years ago I saw my first ring-necked parakeet in the Leidse "
            "Hout. Now there are noisy groups of them everywhere. They seem to "
            "take over the nest holes that woodpeckers and starlings would "
            "normally use. Is there any data on whether they are actually "
            "harming other birds?"
        ),
        "language": "en",
        "topic": "climate-and-nature",
        "tags": ["birds", "invasive-species"],
        "place": "Leiden",
    },
    {
        "title": "Why are there so few insects on my car windscreen compared to when I was young?",
        "body": (
            "On summer holidays in the eighties my dad had to clean the "
            "windscreen at every petrol station. Last summer I drove to the "
            "Veluwe and back and there was hardly a bug on it. Is this proof "
            "that insects are disappearing, or have cars just become more "
            "aerodynamic?"
        ),
        "language": "en",
        "topic": "climate-and-nature",
        "tags": ["insects", "biodiversity"],
        "place": None,
    },
    {
        "title": "How much does a single street tree actually cool a street on a hot day?",
        "body": (
            "During the last heatwave our upstairs flat stayed above 30 degrees "
            "at night. The street on the other side of the park has big old "
            "trees and it felt **much cooler** there. I'd like to convince the "
            "municipality to plant trees in our street, so I'd love some real "
            "numbers."
        ),
        "language": "en",
        "topic": "climate-and-nature",
        "tags": ["trees", "heat"],
        "place": "Den Haag",
    },
    {
        "title": "Do the wind farms off the coast harm porpoises and seabirds in the North Sea?",
        "body": (
            "From the beach at Katwijk you can see more and more wind turbines "
            "on the horizon. I'm all for green energy, but I also love seeing "
            "porpoises from the boulevard. What happens to sea life during the "
            "noisy construction, and once the turbines are running?"
        ),
        "language": "en",
        "topic": "climate-and-nature",
        "tags": ["north-sea", "wind-energy", "porpoises"],
        "place": "Katwijk",
    },
    # ------------------------------------------------------------------
    # water-and-soil
    # ------------------------------------------------------------------
    {
        "title": "Waarom zakt de bodem in het Groene Hart steeds verder weg?",
        "body": (
            "Ons huis staat op palen, maar de tuin en de stoep zakken elk jaar "
            "een stukje. De gemeente heeft de straat al twee keer opgehoogd. "
            "Ik begrijp dat het met het veen te maken heeft, maar waarom gaat "
            "het nu sneller dan vroeger?"
        ),
        "language": "nl",
        "topic": "water-and-soil",
        "tags": ["bodemdaling", "veen"],
        "place": "Bodegraven",
    },
    {
        "title": "Hoe komt het dat de grond in veenweidegebieden elk jaar lager komt te liggen?",
        "body": (
            "Bij ons in de polder zie je bij oude boerderijen dat het erf veel "
            "hoger ligt dan het land eromheen. Een boer vertelde me dat het "
            "land hier in zijn leven bijna een halve meter is gezakt. Ligt dat "
            "aan het lage waterpeil, aan droge zomers, of aan allebei?\n"
            "\n"
            "- Kan het nog worden tegengehouden?\n"
            "- En wat betekent het voor de huizen in het dorp?"
        ),
        "language": "nl",
        "topic": "water-and-soil",
        "tags": ["bodemdaling", "veenweide", "polder"],
        "place": "Alphen aan den Rijn",
    },
    {
        "title": "Hoe lang kunnen we in Nederland nog veilig onder zeeniveau wonen als de zee blijft stijgen?",
        "body": (
            "Mijn kleinkinderen vragen me weleens of Leiden ooit onder water "
            "komt te staan. Ik zeg dan dat we goede dijken hebben, maar "
            "eerlijk gezegd weet ik het ook niet. Op de site van "
            "[Rijkswaterstaat](https://www.rijkswaterstaat.nl/) lees ik over "
            "plannen tot 2100, maar wat gebeurt er daarna?"
        ),
        "language": "nl",
        "topic": "water-and-soil",
        "tags": ["zeespiegel", "dijken"],
        "place": "Leiden",
    },
    {
        "title": "Waarom is het water in de Leidse grachten in de zomer soms zo groen en stinkend?",
        "body": (
            "Als ik in juli langs de Oude Vest loop, ligt er soms een groene "
            "laag op het water en er staan bordjes over **blauwalg**. Ik ga "
            "graag suppen met mijn kinderen. Wordt dit elk jaar erger, en wat "
            "kun je er als stad tegen doen?"
        ),
        "language": "nl",
        "topic": "water-and-soil",
        "tags": ["blauwalg", "grachten", "zwemwater"],
        "place": "Leiden",
    },
    {
        "title": "Are there microplastics in Dutch tap water, and should I be worried?",
        "body": (
            "I keep reading that microplastics have been found in human blood "
            "and even in the brain. We drink tap water at home and I always "
            "thought that was the safest choice. Does anyone measure "
            "microplastics in the water that [Dunea](https://www.dunea.nl/) "
            "delivers, and what levels would actually be harmful?"
        ),
        "language": "en",
        "topic": "water-and-soil",
        "tags": ["microplastics", "drinking-water"],
        "place": "Leiden",
    },
    {
        "title": "How much plastic ends up in the water that comes out of my kitchen tap?",
        "body": (
            "My teenage son refuses to drink tap water because of a video about "
            "tiny plastic particles. I told him Dutch tap water is some of the "
            "cleanest in the world, but I couldn't back that up. Is it true "
            "that there's plastic in our drinking water, and would a filter "
            "jug help at all?"
        ),
        "language": "en",
        "topic": "water-and-soil",
        "tags": ["microplastics", "tap-water"],
        "place": "Den Haag",
    },
    {
        "title": "How do the dunes near Katwijk actually turn river water into drinking water?",
        "body": (
            "I walk my dog in the dunes between Katwijk and Wassenaar and "
            "always pass the fenced-off water basins. Someone told me that "
            "water from the river Meuse is pumped there and filtered by the "
            "sand. How long does the water stay in the dunes, and what does "
            "the sand filter out?"
        ),
        "language": "en",
        "topic": "water-and-soil",
        "tags": ["dunes", "drinking-water"],
        "place": "Katwijk",
    },
    {
        "title": "Is the groundwater under the bulb fields getting saltier after dry summers?",
        "body": (
            "My family has grown tulips and hyacinths for three generations. "
            "After the dry summers of 2018 and 2022 we saw more damage in the "
            "fields closest to the coast. My father thinks it's **salt** coming "
            "up from below. Is there research on this for the Bollenstreek?"
        ),
        "language": "en",
        "topic": "water-and-soil",
        "tags": ["salinisation", "groundwater", "bulbs"],
        "place": "Lisse",
    },
    # ------------------------------------------------------------------
    # city-and-neighbourhood
    # ------------------------------------------------------------------
    {
        "title": "Heeft het echt zin om tegels uit je tuin te halen tegen wateroverlast?",
        "body": (
            "Bij elke flinke regenbui staat het water in onze straat tot op de "
            "stoep. De gemeente roept iedereen op om tegels te vervangen door "
            "planten, het zogenaamde tegelwippen. Mijn tuin is maar klein, dus "
            "ik vraag me af of dat echt verschil maakt voor de hele straat."
        ),
        "language": "nl",
        "topic": "city-and-neighbourhood",
        "tags": ["wateroverlast", "tuin", "tegelwippen"],
        "place": "Leiden Noord",
    },
    {
        "title": "Helpt het tegen een ondergelopen straat als alle buren hun tuintegels vervangen door groen?",
        "body": (
            "In onze straat hebben bijna alle voortuinen tegels. Na de hoosbui "
            "van vorige zomer stond bij twee buren het water in de kelder. Ik "
            "wil de buurt overtuigen om samen de tegels eruit te halen, maar "
            "dan wil ik wel kunnen laten zien **hoeveel** regenwater een "
            "groene tuin opvangt."
        ),
        "language": "nl",
        "topic": "city-and-neighbourhood",
        "tags": ["wateroverlast", "tuinen", "buurt"],
        "place": "De Kooi",
    },
    {
        "title": "Waarom rijden er in onze 30-kilometerstraat nog steeds zoveel auto's veel te hard?",
        "body": (
            "Er liggen drempels en er staan borden, maar toch scheuren er elke "
            "dag auto's door onze straat. Er spelen hier veel kinderen buiten. "
            "Wat werkt volgens onderzoek echt om mensen langzamer te laten "
            "rijden: meer drempels, smallere wegen, bomen, of iets heel anders?"
        ),
        "language": "nl",
        "topic": "city-and-neighbourhood",
        "tags": ["verkeer", "veiligheid", "kinderen"],
        "place": "Merenwijk",
    },
    {
        "title": "Waarom voelen sommige nieuwbouwwijken zo leeg aan, ook al wonen er veel mensen?",
        "body": (
            "Ik woon sinds vier jaar in een nieuwbouwwijk. De huizen zijn mooi, "
            "maar je ziet nooit iemand op straat en ik ken maar twee buren. In "
            "de oude wijk van mijn ouders kent iedereen elkaar. Ligt dat aan "
            "hoe de wijk is ontworpen, of aan de mensen die er wonen?"
        ),
        "language": "nl",
        "topic": "city-and-neighbourhood",
        "tags": ["nieuwbouw", "buren", "ontmoeten"],
        "place": "Utrecht",
    },
    {
        "title": "Does a car-free city centre help local shops or actually hurt them?",
        "body": (
            "Our city centre is slowly becoming car-free and some shop owners "
            "are furious. They say customers will go to the big malls instead. "
            "As a cyclist I love the calmer streets, but I don't want my "
            "favourite bookshop to close. What happened in other cities that "
            "did the same?"
        ),
        "language": "en",
        "topic": "city-and-neighbourhood",
        "tags": ["shops", "traffic", "city-centre"],
        "place": "Leiden",
    },
    {
        "title": "How loud is too loud when you live right next to a busy railway line?",
        "body": (
            "We moved into a flat next to the tracks near the station last "
            "year. Freight trains pass at night and I wake up several times a "
            "week. The landlord says it's within the legal limits. Do those "
            "limits take sleep and long-term health into account?"
        ),
        "language": "en",
        "topic": "city-and-neighbourhood",
        "tags": ["noise", "sleep", "trains"],
        "place": "De Kooi",
    },
    {
        "title": "Why is it so hard for students to find a room in Leiden, and what actually helps?",
        "body": (
            "I'm an international master's student and spent my first six "
            "weeks sleeping on a friend's couch. I responded to more than 80 "
            "rooms. Things I keep hearing:\n"
            "\n"
            "- landlords prefer Dutch students\n"
            "- new student housing takes years to build\n"
            "- rents keep going up anyway\n"
            "\n"
            "Which of these is true, and what has worked in other university "
            "cities?"
        ),
        "language": "en",
        "topic": "city-and-neighbourhood",
        "tags": ["housing", "students"],
        "place": "Leiden",
    },
    {
        "title": "Do shared e-bikes and scooters replace car trips, or mostly walking and cycling?",
        "body": (
            "There are shared e-bikes and mopeds on almost every corner in my "
            "neighbourhood now. The companies say they reduce car use. From "
            "what I see, it's mostly young people who used to walk or take "
            "their own bike. Has anyone studied who really uses them?"
        ),
        "language": "en",
        "topic": "city-and-neighbourhood",
        "tags": ["mobility", "shared-bikes"],
        "place": "Den Haag",
    },
    # ------------------------------------------------------------------
    # education-and-youth
    # ------------------------------------------------------------------
    {
        "title": "How much screen time before bed actually harms a child's sleep?",
        "body": (
            "Our eight-year-old watches a cartoon on the tablet before bed and "
            "often takes an hour to fall asleep. My mother says it's the "
            "screen, my husband says it's just his age. Is there a clear limit, "
            "say **30 minutes** or one hour, after which sleep really gets "
            "worse?"
        ),
        "language": "en",
        "topic": "education-and-youth",
        "tags": ["screen-time", "sleep", "children"],
        "place": "Oegstgeest",
    },
    {
        "title": "Do phones and tablets in the evening really keep kids awake longer?",
        "body": (
            "I teach year 7 and many of my pupils say they were on their "
            "phones until midnight. They are visibly tired in the first lesson. "
            "Is it the blue light, the exciting content, or simply that they "
            "go to bed later? I'd like to give parents advice that is based on "
            "evidence."
        ),
        "language": "en",
        "topic": "education-and-youth",
        "tags": ["screen-time", "sleep", "teenagers"],
        "place": None,
    },
    {
        "title": "Does growing up with two languages confuse toddlers or help them later on?",
        "body": (
            "I speak English with our son and my husband speaks Dutch. At two "
            "and a half he mixes both languages in one sentence and says fewer "
            "words than his friends at daycare. The nursery suggested we "
            "choose one language. Is that good advice?"
        ),
        "language": "en",
        "topic": "education-and-youth",
        "tags": ["bilingualism", "toddlers"],
        "place": "Leiden",
    },
    {
        "title": "Why do boys seem to fall behind girls in reading at Dutch primary schools?",
        "body": (
            "At our school's parents' evening the teacher showed that the boys "
            "in group 6 score much lower on reading than the girls. My son says "
            "reading is boring, but he happily reads football statistics for "
            "hours. Is this a real national trend, and what helps boys enjoy "
            "books?"
        ),
        "language": "en",
        "topic": "education-and-youth",
        "tags": ["reading", "boys"],
        "place": "Zoetermeer",
    },
    {
        "title": "Leren kinderen op de basisschool eigenlijk iets van huiswerk?",
        "body": (
            "Onze zoon zit in groep 7 en krijgt nu elke week huiswerk. Het "
            "levert bij ons thuis vooral ruzie op aan de keukentafel. Ik ben "
            "benieuwd of er onderzoek is dat laat zien dat huiswerk op deze "
            "leeftijd echt helpt, of dat het vooral oefenen is voor de "
            "middelbare school."
        ),
        "language": "nl",
        "topic": "education-and-youth",
        "tags": ["huiswerk", "basisschool"],
        "place": "Katwijk",
    },
    {
        "title": "Waarom hebben zoveel jongeren van mijn leeftijd last van prestatiedruk?",
        "body": (
            "Ik ben 17 en zit in 5 vwo. Bijna iedereen in mijn klas is gestrest "
            "over cijfers, ook mensen die gewoon goede cijfers halen. Volwassenen "
            "zeggen vaak dat wij het makkelijker hebben dan zij vroeger. Ik wil "
            "graag weten of prestatiedruk echt is toegenomen en waar het "
            "vandaan komt."
        ),
        "language": "nl",
        "topic": "education-and-youth",
        "tags": ["stress", "jongeren", "school"],
        "place": "Leiden",
    },
    {
        "title": "Lezen kinderen beter en liever van een papieren boek dan van een tablet?",
        "body": (
            "Op de school van mijn dochter lezen ze steeds vaker op een "
            "tablet. Zelf onthoud ik veel meer als ik iets op papier lees. "
            "Geldt dat ook voor kinderen, en maakt het uit voor hoe **leuk** ze "
            "lezen vinden?"
        ),
        "language": "nl",
        "topic": "education-and-youth",
        "tags": ["lezen", "tablet"],
        "place": None,
    },
    {
        "title": "Hoe komt het dat het schooladvies in groep 8 zo vaak samenhangt met wat je ouders doen?",
        "body": (
            "Mijn ouders hebben geen diploma van een middelbare school en ik "
            "kreeg in groep 8 een vmbo-advies. Later heb ik via mbo en hbo "
            "toch mijn master gehaald. Bij het [CBS](https://www.cbs.nl/) zag "
            "ik cijfers die laten zien dat dit vaak gebeurt. Waarom is dat zo, "
            "en wat kunnen scholen anders doen?"
        ),
        "language": "nl",
        "topic": "education-and-youth",
        "tags": ["schooladvies", "kansengelijkheid"],
        "place": "Den Haag",
    },
    # ------------------------------------------------------------------
    # technology-and-society
    # ------------------------------------------------------------------
    {
        "title": "Can AI chatbots help my kids with homework without them learning less?",
        "body": (
            "My daughter (14) uses a chatbot to explain maths problems. "
            "Sometimes it really helps her understand, but I suspect she also "
            "just copies answers. I don't want to ban it, but I'd like to know "
            "what research says about **learning** with these tools."
        ),
        "language": "en",
        "topic": "technology-and-society",
        "tags": ["ai", "homework"],
        "place": "Utrecht",
    },
    {
        "title": "How do social media apps decide what my teenager gets to see?",
        "body": (
            "My son started watching a few gym videos and within a week his "
            "feed was full of diet and supplement content. He's 15. I don't "
            "understand how the algorithm works, and I'm not sure the "
            "companies fully explain it either. Can researchers look inside "
            "these systems?"
        ),
        "language": "en",
        "topic": "technology-and-society",
        "tags": ["social-media", "algorithms", "teenagers"],
        "place": None,
    },
    {
        "title": "Is a home battery worth it for an ordinary family with solar panels?",
        "body": (
            "We have twelve solar panels on our roof and salesmen keep calling "
            "about home batteries. With the rules about selling power back to "
            "the grid changing, I honestly can't work out if it pays off. I'd "
            "love an independent answer, not one from someone selling "
            "batteries."
        ),
        "language": "en",
        "topic": "technology-and-society",
        "tags": ["solar-panels", "batteries", "energy"],
        "place": "Leiderdorp",
    },
    {
        "title": "Why do older people like my grandmother find banking apps so hard to use?",
        "body": (
            "My grandmother is 84 and sharp as a tack, but since her bank "
            "closed the local branch she depends on me for every payment. "
            "Small buttons, codes that expire and screens that change after "
            "each update all confuse her. Could apps be designed in a way "
            "that works for her generation too?"
        ),
        "language": "en",
        "topic": "technology-and-society",
        "tags": ["accessibility", "older-people", "banking"],
        "place": "Noordwijk",
    },
    {
        "title": "Hoeveel stroom kost het eigenlijk om een vraag aan een AI-chatbot te stellen?",
        "body": (
            "Ik gebruik op mijn werk elke dag een AI-chatbot om teksten te "
            "schrijven. Een collega zei dat elke vraag net zoveel energie kost "
            "als een lamp die een uur brandt. Klopt dat? Ik wil graag weten of "
            "ik me daar zorgen over moet maken."
        ),
        "language": "nl",
        "topic": "technology-and-society",
        "tags": ["ai", "energie"],
        "place": None,
    },
    {
        "title": "Wat gebeurt er met de beelden van mijn slimme deurbel met camera?",
        "body": (
            "Ik heb een deurbel met camera opgehangen omdat er pakketjes "
            "werden gestolen. Nu filmt hij ook de stoep en het huis van de "
            "overburen. Waar worden die beelden opgeslagen, wie kan erbij, en "
            "mag dit eigenlijk wel?"
        ),
        "language": "nl",
        "topic": "technology-and-society",
        "tags": ["privacy", "camera"],
        "place": "Leiden Noord",
    },
    {
        "title": "Waarom trappen ook slimme mensen in nepberichten op WhatsApp?",
        "body": (
            "In de familiegroep worden regelmatig berichten doorgestuurd die "
            "achteraf niet blijken te kloppen. Mijn oom is ingenieur en stuurt "
            "ze ook door. Het gaat niet om domheid, denk ik. Wat maakt dat we "
            "zulke berichten geloven en delen?"
        ),
        "language": "nl",
        "topic": "technology-and-society",
        "tags": ["nepnieuws", "whatsapp"],
        "place": "Gouda",
    },
    {
        "title": "Is het stroomnet echt vol, en wat betekent dat voor mijn zonnepanelen?",
        "body": (
            "Op zonnige dagen schakelt mijn omvormer soms uit. De installateur "
            "zegt dat het net in onze wijk vol zit, de zogenaamde "
            "**netcongestie**. Ik snap niet zo goed hoe een net vol kan "
            "zitten. Hoe lang duurt dit nog, en kunnen we er als buurt iets "
            "aan doen?"
        ),
        "language": "nl",
        "topic": "technology-and-society",
        "tags": ["netcongestie", "zonnepanelen"],
        "place": "Alphen aan den Rijn",
    },
    # ------------------------------------------------------------------
    # history-and-heritage
    # ------------------------------------------------------------------
    {
        "title": "Waarom zijn er in Leiden zoveel hofjes, en wie woonden daar vroeger?",
        "body": (
            "Ik geef rondleidingen als vrijwilliger en toeristen vragen vaak "
            "naar de hofjes. Ik weet dat ze door rijke families werden "
            "gesticht voor arme, oudere vrouwen, maar ik zou graag meer "
            "weten over de bewoners zelf. Bij "
            "[Erfgoed Leiden](https://www.erfgoedleiden.nl/) vond ik al wat "
            "archiefstukken. Is er onderzoek naar hun dagelijks leven?"
        ),
        "language": "nl",
        "topic": "history-and-heritage",
        "tags": ["hofjes", "armenzorg"],
        "place": "Leiden",
    },
    {
        "title": "Wat aten gewone Leidenaren nu echt tijdens het beleg van 1574?",
        "body": (
            "Elk jaar op 3 oktober eten we hutspot en haring met wittebrood. "
            "Maar wat aten de mensen tijdens de maanden van honger zelf? Ik "
            "heb verhalen gehoord over brood van lijnzaad en zelfs over "
            "bladeren. Wat is waar en wat is legende?"
        ),
        "language": "nl",
        "topic": "history-and-heritage",
        "tags": ["beleg", "3-oktober", "voedsel"],
        "place": "Leiden",
    },
    {
        "title": "Hoe leefden de Romeinse soldaten langs de Limes bij Valkenburg en Katwijk?",
        "body": (
            "Mijn kleinzoon heeft op school over de Romeinen geleerd en wil nu "
            "alles weten over het fort dat hier vroeger stond. Er is bij "
            "Valkenburg veel opgegraven, maar het is lastig om informatie te "
            "vinden die je aan een kind van tien kunt uitleggen. Wat weten we "
            "over hoe ze woonden, wat ze aten en met wie ze omgingen?"
        ),
        "language": "nl",
        "topic": "history-and-heritage",
        "tags": ["romeinen", "limes", "archeologie"],
        "place": "Katwijk",
    },
    {
        "title": "Waarom heet onze wijk De Kooi, en hoe zag het er hier vroeger uit?",
        "body": (
            "Ik woon al veertig jaar in De Kooi. De buurvrouw zegt dat de naam "
            "komt van een eendenkooi, maar anderen denken aan een gevangenis. "
            "Ik zou graag oude kaarten en foto's zien van hoe de wijk eruitzag "
            "voordat de huizen er stonden."
        ),
        "language": "nl",
        "topic": "history-and-heritage",
        "tags": ["wijknamen", "oude-kaarten"],
        "place": "De Kooi",
    },
    {
        "title": "What was daily life like for the Pilgrims who lived in Leiden before sailing to America?",
        "body": (
            "I'm American and moved to Leiden for work. Back home, everyone "
            "learns about the Mayflower, but hardly anyone knows that many of "
            "the Pilgrims spent more than ten years here. Where did they live, "
            "what work did they do, and how did the people of Leiden see them?"
        ),
        "language": "en",
        "topic": "history-and-heritage",
        "tags": ["pilgrims", "migration"],
        "place": "Leiden",
    },
    {
        "title": "Why did the Dutch build so many windmills, and how many still work today?",
        "body": (
            "My kids asked me this after we visited Molen De Valk, and I "
            "realised I didn't really know. Were they mainly for pumping water "
            "or for grinding grain? And who keeps the ones that still turn "
            "running?"
        ),
        "language": "en",
        "topic": "history-and-heritage",
        "tags": ["windmills", "heritage"],
        "place": None,
    },
    {
        "title": "How did the textile factories shape the working-class neighbourhoods of Leiden?",
        "body": (
            "My great-grandparents worked in a blanket factory in Leiden. "
            "Our family still lives in the same part of town. I'd like to "
            "understand:\n"
            "\n"
            "- why the factories were built where they were\n"
            "- what housing the workers lived in\n"
            "- what happened to the families when the factories closed"
        ),
        "language": "en",
        "topic": "history-and-heritage",
        "tags": ["textile", "industry", "working-class"],
        "place": "Leiden Noord",
    },
    {
        "title": "Can old family letters from the Dutch East Indies be useful to historians?",
        "body": (
            "After my grandmother passed away we found a box of letters she "
            "wrote from Java in the 1930s and 1940s. They describe daily life, "
            "the war and the journey to the Netherlands. I don't want them to "
            "end up in the attic forever. Would researchers be interested, and "
            "where should I bring them?"
        ),
        "language": "en",
        "topic": "history-and-heritage",
        "tags": ["colonial-history", "letters", "archives"],
        "place": "Den Haag",
    },
    # ------------------------------------------------------------------
    # food-and-farming
    # ------------------------------------------------------------------
    {
        "title": "Is biologisch eten echt gezonder dan gewone groente uit de supermarkt?",
        "body": (
            "Biologische groente is bij ons in de supermarkt soms bijna twee "
            "keer zo duur. Met drie kinderen let ik goed op de boodschappen. "
            "Het [Voedingscentrum](https://www.voedingscentrum.nl/) zegt dat "
            "gewone groente ook prima is, maar ik blijf twijfelen over de "
            "restjes bestrijdingsmiddelen."
        ),
        "language": "nl",
        "topic": "food-and-farming",
        "tags": ["biologisch", "groente"],
        "place": "Leiden",
    },
    {
        "title": "Waarom gooien we in Nederland nog zoveel eten weg, en wat helpt echt?",
        "body": (
            "Ik werk in een supermarkt en zie elke avond kratten brood en "
            "groente die weg moeten. Thuis gooien we ook meer weg dan ik zou "
            "willen. Er zijn apps en campagnes, maar ik vraag me af welke "
            "aanpak echt werkt."
        ),
        "language": "nl",
        "topic": "food-and-farming",
        "tags": ["voedselverspilling"],
        "place": "Den Haag",
    },
    {
        "title": "Kunnen boeren in de polder overstappen op andere gewassen als het klimaat verandert?",
        "body": (
            "Mijn broer heeft een melkveebedrijf in het veenweidegebied. Er "
            "wordt gepraat over het hoger zetten van het waterpeil en over "
            "natte teelten zoals lisdodde. Hij vraagt zich af of je daar "
            "eigenlijk van kunt leven. Wie heeft het al geprobeerd, en hoe "
            "ging dat?"
        ),
        "language": "nl",
        "topic": "food-and-farming",
        "tags": ["landbouw", "klimaat", "veenweide"],
        "place": "Zoeterwoude",
    },
    {
        "title": "Hoe gezond zijn vleesvervangers uit de supermarkt nu eigenlijk?",
        "body": (
            "We eten thuis sinds een jaar bijna geen vlees meer. Op de "
            "verpakking van veel vleesvervangers staat een lange lijst met "
            "ingrediënten die ik niet ken. Zijn ze een gezond alternatief, of "
            "kun je beter gewoon bonen en linzen eten?"
        ),
        "language": "nl",
        "topic": "food-and-farming",
        "tags": ["vleesvervangers", "vegetarisch"],
        "place": None,
    },
    {
        "title": "Do pesticides sprayed on the bulb fields end up in homes and schools nearby?",
        "body": (
            "Our primary school is right next to a tulip field. In spring you "
            "can sometimes smell the spraying from the playground. Parents are "
            "worried, the farmer says everything is within the rules. Has "
            "anyone measured what actually blows over into houses and "
            "classrooms?"
        ),
        "language": "en",
        "topic": "food-and-farming",
        "tags": ["pesticides", "bulbs", "schools"],
        "place": "Noordwijk",
    },
    {
        "title": "Could insects become a normal part of the Dutch diet in the next twenty years?",
        "body": (
            "I tried mealworm burgers at a food festival and they were "
            "surprisingly good. Insects need much less land and feed than "
            "cows. What's holding them back: taste, price, rules, or just "
            "the **yuck** factor?"
        ),
        "language": "en",
        "topic": "food-and-farming",
        "tags": ["insects", "protein"],
        "place": "Utrecht",
    },
    {
        "title": "Are Dutch greenhouse tomatoes better for the climate than Spanish ones grown outdoors?",
        "body": (
            "In winter I can choose between tomatoes from the Westland and "
            "from Spain. The Dutch ones travel less, but the greenhouses are "
            "heated. The Spanish ones are grown in the sun but use scarce "
            "water. I have no idea which is the better choice."
        ),
        "language": "en",
        "topic": "food-and-farming",
        "tags": ["tomatoes", "climate", "greenhouses"],
        "place": None,
    },
    {
        "title": "Does the nitrogen problem mean there will be far fewer dairy farms in the Netherlands?",
        "body": (
            "I grew up on a dairy farm and my parents are thinking about "
            "stopping. Every year the rules seem to change. I'd like to "
            "understand what the **nitrogen** problem really is, how much of "
            "it comes from farming, and what the countryside could look like "
            "in ten years."
        ),
        "language": "en",
        "topic": "food-and-farming",
        "tags": ["nitrogen", "dairy", "farming"],
        "place": "Gouda",
    },
]


COMMENTS: dict[str, list[str]] = {
    "nl": [
        "Goede vraag! Bij ons in de Merenwijk zie ik precies hetzelfde.",
        "Ik vraag me dit ook al jaren af. Fijn dat iemand het eindelijk opschrijft.",
        "Het RIVM heeft hier een paar jaar geleden volgens mij iets over gepubliceerd, zie [rivm.nl](https://www.rivm.nl/).",
        "Kun je iets meer vertellen over wanneer je dit precies merkt? Is het vooral in de zomer?",
        "Mijn buurvrouw is hier ooit voor geïnterviewd door studenten van de universiteit. Misschien loopt er al onderzoek?",
        "Interessant! Ik heb zelf het tegenovergestelde gemerkt, dus ik ben heel benieuwd naar het antwoord.",
        "Op [Waarneming.nl](https://waarneming.nl/) kun je zien hoe vaak dit in jouw buurt is gemeld.",
        "Ik ben leraar en krijg deze vraag ook vaak van leerlingen. Ik kan het zelf niet goed uitleggen.",
        "Misschien helpt het om de vraag iets smaller te maken, bijvoorbeeld alleen voor Leiden?",
        "Dit speelt bij ons in Katwijk ook. Wie weet kunnen we samen metingen doen.",
        "Heel herkenbaar. Mijn opa vertelde hier vroeger ook altijd over.",
        "Ik heb hier een **+1** gegeven. Hopelijk pakt een onderzoeker dit op!",
        "Er is volgens mij een hoofdstuk over in de [Nationale Wetenschapsagenda](https://wetenschapsagenda.nl/).",
        "Kleine toevoeging: het verschilt waarschijnlijk ook per seizoen, dus let daar op als je gaat meten.",
        "Ik werk in de zorg en zie dit dagelijks. Goed dat hier aandacht voor komt.",
        "Weet iemand of de gemeente hier cijfers over bijhoudt?",
        "Mooie vraag. Ik zou graag willen meedoen als er een enquête of meetproject komt.",
        "Deze vraag lijkt een beetje op een andere vraag op het platform. Misschien kunnen ze worden samengevoegd?",
        "Mijn dochter deed hier een profielwerkstuk over. Zij vond dat er nog verrassend weinig over bekend is.",
        "Dank voor het delen! Ik had er nooit zo over nagedacht.",
    ],
    "en": [
        "Great question! I've noticed exactly the same thing in my street.",
        "I've wondered about this for years. Thanks for putting it into words.",
        "Could you say a bit more about when you first noticed this?",
        "There was a Dutch study on this a few years ago, I think. The [CBS](https://www.cbs.nl/) might have some numbers too.",
        "Interesting. In my experience it's the other way around, so I'm curious what researchers say.",
        "I'm a secondary school teacher and my students ask me this all the time.",
        "Upvoted! I hope someone at the university picks this up.",
        "It might help to narrow it down a bit, for example to one city or one age group.",
        "Same here in Den Haag. Maybe we could collect observations together?",
        "My neighbour works at a water board, I'll ask her if she knows more.",
        "This reminds me of a documentary I saw recently. The answer seemed more complicated than I expected.",
        "Small note: it probably also depends on the season, so keep that in mind.",
        "I'd happily take part if this turns into a citizen science project.",
        "Really good that this is being asked. It affects a lot of families.",
        "Does anyone know if the municipality keeps track of this?",
        "This looks quite similar to another question on the platform. Maybe they could be merged?",
        "You could also check [KNMI](https://www.knmi.nl/) for the weather side of things.",
        "As a parent of three I can **fully** relate to this.",
        "I read something about this in a library book, I'll try to find the title again.",
        "Thanks for sharing, I had never thought about it this way.",
    ],
}


REPLIES: dict[str, list[str]] = {
    "nl": [
        "Dank je wel, dat is een nuttige tip!",
        "Goed punt, ik pas mijn vraag nog even aan.",
        "Ik merk het vooral in de zomermaanden, en vaker na een droge periode.",
        "Wat leuk om te horen dat je hetzelfde ziet. Laten we contact houden!",
        "Ik heb de link bekeken, maar daar staat helaas niet precies het antwoord op mijn vraag.",
        "Vanuit de universiteit: er loopt hier inderdaad al een klein project naar. We nemen je vraag mee.",
        "Goed idee om het te beperken tot Leiden, dat maakt het ook makkelijker om te onderzoeken.",
        "Interessant dat jij het omgekeerde ziet. Misschien verschilt het per wijk?",
        "Ik zou ook graag meedoen aan metingen, laat maar weten!",
        "Bedankt voor je reactie, ik ben benieuwd wat de onderzoekers ervan vinden.",
    ],
    "en": [
        "Thanks, that's a really helpful pointer!",
        "Good point, I'll edit my question to make it clearer.",
        "Mostly in summer, and especially after a few dry weeks.",
        "Nice to hear I'm not the only one. Let's keep in touch!",
        "I had a look at the link, but it doesn't quite answer my question yet.",
        "Researcher here: there is some existing work on this, and we'll take your question into account.",
        "Narrowing it down to one city is a good idea, I'll do that.",
        "Interesting that you see the opposite. Maybe it depends on the neighbourhood?",
        "Count me in if there's a measuring project!",
        "Thanks for replying, I'm curious what the researchers will say.",
    ],
}


MEMBERS: list[dict] = [
    {
        "name": "Fatima El Amrani",
        "bio_nl": "Moeder van twee en vrijwilliger bij de buurtmoestuin in Leiden Noord.",
        "locale": "nl",
    },
    {
        "name": "Jan de Vries",
        "bio_nl": "Gepensioneerd scheikundeleraar die graag vogels telt in de polder.",
        "locale": "nl",
    },
    {
        "name": "Sanne Bakker",
        "bio_nl": "Verpleegkundige in Leiden en altijd nieuwsgierig naar hoe het lichaam werkt.",
        "locale": "nl",
    },
    {
        "name": "Mehmet Yilmaz",
        "bio_nl": "Installateur van zonnepanelen en vader van een tienerdochter.",
        "locale": "nl",
    },
    {
        "name": "Lotte Visser",
        "bio_nl": "Scholier uit Katwijk met een zwak voor zee en strand.",
        "locale": "nl",
    },
    {
        "name": "Kees van Leeuwen",
        "bio_nl": "Melkveehouder in het Groene Hart, derde generatie op dezelfde boerderij.",
        "locale": "nl",
    },
    {
        "name": "Noor Hendriks",
        "bio_nl": "Stadsgids en liefhebber van oude kaarten en Leidse hofjes.",
        "locale": "nl",
    },
    {
        "name": "Daan Mulder",
        "bio_nl": "Leraar op een basisschool in De Kooi.",
        "locale": "nl",
    },
    {
        "name": "Priya Raman",
        "bio_en": "Software tester from Chennai, now living in Leiden with her family.",
        "locale": "en",
    },
    {
        "name": "Liam O'Connor",
        "bio_en": "Irish master's student in Leiden who is still looking for a room.",
        "locale": "en",
    },
    {
        "name": "Anna Kowalska",
        "bio_en": "Works in a greenhouse in the Westland and loves growing vegetables at home.",
        "locale": "en",
    },
    {
        "name": "Mei Chen",
        "bio_en": "Retired librarian who enjoys local history and long walks in the dunes.",
        "locale": "en",
    },
    {
        "name": "David Mensah",
        "bio_en": "Cyclist, dad of three and amateur weather watcher in Den Haag.",
        "locale": "en",
    },
    {
        "name": "Sofia Rossi",
        "bio_en": "Italian PhD student who moved to Utrecht and misses proper tomatoes.",
        "locale": "en",
    },
    {
        "name": "Emily Carter",
        "bio_en": "Secondary school teacher curious about how teenagers learn and sleep.",
        "locale": "en",
    },
    {
        "name": "Samir Haddad",
        "bio_en": "Nurse on night shifts and keen birdwatcher on his days off.",
        "locale": "en",
    },
]
