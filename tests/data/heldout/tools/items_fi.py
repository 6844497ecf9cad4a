# (text, expected, style)
FI = [
# job_market_platform (3)
("mist mä nään kaikki avoimet duunit yhestä paikasta ja voiks sinne tehä oman profiilin?", "job_market_platform", "colloquial"),
("Haluaisin sähköpostiini viestin aina, kun Kuopion seudulle tulee uusi varastotyön paikka haettavaksi. Onnistuuko se?", "job_market_platform", "formal"),
("missa voin selata avoimia tyopaikkoja ja paivittaa mun osaamisprofiilia", "job_market_platform", "typo"),
# labour_market_information (3)
("Millä ammattialoilla on tällä hetkellä pahin tekijäpula Pirkanmaalla?", "labour_market_information", "formal"),
("onks jossain tilastoo paljonko sähköasentajia haetaan eri puolil suomee", "labour_market_information", "colloquial"),
("Mistä löytyvät tuoreimmat työttömyysluvut kunnittain?", "labour_market_information", "faq"),
# training_information (2)
("Mistä näen, mitä ammatillisia tutkintoja aikuinen voi suorittaa ja missä oppilaitoksissa niitä järjestetään?", "training_information", "faq"),
("mis vois opiskella logistiikkaa iltasin, onks jotain listaa kaikista vaihtoehdoista", "training_information", "colloquial"),
# jobseeker_registration (2)
("pätkä loppuu perjantaina, miten pääsen työkkärin kirjoille ettei jää päiviä väliin", "jobseeker_registration", "colloquial"),
("Valmistun toukokuussa, eikä minulla ole vielä työpaikkaa. Miten merkitsen itseni verkossa työttömäksi työnhakijaksi?", "jobseeker_registration", "formal"),
# job_search_obligation (2)
("montako paikkaa kuukaudessa mun pitää hakea ja mihin ne merkataan", "job_search_obligation", "colloquial"),
("pitaako haetut tyopaikat ilmottaa jonnekin joka kuu", "job_search_obligation", "typo"),
# employment_plan (2)
("Mul on ens viikolla se tapaaminen työllisyyspalveluissa, jossa sovitaan mitä mä teen seuraavaks. Mitä siihen kannattaa valmistella?", "employment_plan", "colloquial"),
("Voiko työllisyyspalveluiden kanssa yhdessä laaditun suunnitelman muuttaa kesken, jos aloitan osa-aikatyön?", "employment_plan", "formal"),
# job_mediation (2)
("työllisyyspalvelut laitto mulle yhen paikan johon pitäis hakea, onks se pakko", "job_mediation", "colloquial"),
("Voiko viranomainen etsiä minulle sopivia avoimia paikkoja ja välittää tietoni suoraan työnantajille?", "job_mediation", "formal"),
# career_guidance (3)
("Olen toiminut kirjanpitäjänä viisitoista vuotta ja haluaisin vaihtaa kokonaan alaa. Voinko pohtia vaihtoehtoja jonkun asiantuntijan kanssa, vaikka olen vielä työsuhteessa?", "career_guidance", "formal"),
("oon 45 ja kyllästyny rakennushommiin, kuka vois auttaa miettiin mitä vois alkaa tehä", "career_guidance", "colloquial"),
("psykologi ammatinvalintaan aikuisena", "career_guidance", "short"),
# job_search_coaching (2)
("Jännitän työhaastatteluissa aivan hirveästi. Onko työnhakijoille jotain harjoitusta, jossa voisi treenata haastattelutilanteita?", "job_search_coaching", "formal"),
("apua cv:n ja hakemusten tekoon ryhmassa tyottomalle", "job_search_coaching", "typo"),
# career_coaching (2)
("Olen työtön enkä tiedä, mihin suuntaan lähtisin. Onko tarjolla muutaman viikon valmennusjaksoa, jossa tavoitteita selkiytettäisiin?", "career_coaching", "formal"),
("työttömänä voiks päästä johonki valmennukseen jossa mietitään uutta alaa tai vaikka yrittäjyyttä", "career_coaching", "colloquial"),
# labour_market_training (2)
("Olen työtön. Pääsenkö maksuttomalle ammatilliselle kurssille, jossa saisin hitsaajan pätevyyden, ja maksetaanko etuutta kurssin ajalta?", "labour_market_training", "formal"),
("onks työttömille ilmasii kursseja vaik bussikortin suorittamiseen", "labour_market_training", "colloquial"),
# self_motivated_study (2)
("Saanko pitää työttömyysetuuteni, jos aloitan lähihoitajan tutkinnon syksyllä?", "self_motivated_study", "faq"),
("opiskelu tyottomana ilman etta paivarahat loppuu", "self_motivated_study", "typo"),
# work_trial (2)
("Haluaisin kokeilla kahvilatyötä ennen kuin haen alan töihin. Voinko olla jossain kokeilemassa ilman palkkaa niin, että etuuteni jatkuu?", "work_trial", "formal"),
("meiän pieni kukkakauppa vois ottaa jonku kokeilemaan hommia pariks kuukaudeks ilman et maksetaan palkkaa, miten se järjestyy", "work_trial", "colloquial"),
# job_coaching (2)
("Poikani on autismikirjolla ja on saanut työpaikan varastolta. Voisiko joku valmentaja tukea häntä työpaikalla alkuvaiheessa?", "job_coaching", "formal"),
("tarviisin henkilökohtasen valmentajan joka tulis mun kaa työpaikalle alkuun ja sopis pomon kaa järjestelyistä", "job_coaching", "colloquial"),
# eures_work_abroad (2)
("Haluaisin lähteä vuodeksi Norjaan töihin. Kuka neuvoo työnhaussa muissa EU- ja ETA-maissa?", "eures_work_abroad", "formal"),
("duunii saksasta mist apua", "eures_work_abroad", "short"),
# youth_services (3)
("oon 19 ja koulu jäi kesken enkä tiiä mitä tekis, mistä sais apua", "youth_services", "colloquial"),
("Onko alle 25-vuotiaille jokin takuu, että pääsee töihin, opiskelemaan tai muuhun palveluun kolmen kuukauden sisällä?", "youth_services", "faq"),
("22v, ei toita eika opiskelupaikkaa, onko nuorille joku paikka mista kysya", "youth_services", "typo"),
# immigrant_initial_assessment (2)
("Muutin Suomeen puoli vuotta sitten. Kuka arvioi, mitä osaan ja mitä palveluja tarvitsen päästäkseni alkuun täällä?", "immigrant_initial_assessment", "formal"),
("miehen kielitaito ja koulutus pitäis selvittää ku muutettiin tänne syyriasta, kenelle soitan", "immigrant_initial_assessment", "colloquial"),
# integration_training (2)
("Mistä aikuinen maahanmuuttaja pääsee suomen kielen kurssille, joka valmentaa myös työelämään?", "integration_training", "faq"),
("suomen kurssi maahanmuuttajalle", "integration_training", "short"),
# partial_work_ability (2)
("Selkävaivojen vuoksi en pysty enää raskaaseen työhön. Millaisia palveluja on niille, joiden työkyky on alentunut?", "partial_work_ability", "formal"),
("masennuksen takia jaksan tehä vaan puolikasta päivää, onks jotain apua et pääsis töihin", "partial_work_ability", "colloquial"),
# multisectoral_joint_service (2)
("Olen ollut työttömänä kolme vuotta ja tarvitsisin samalla apua terveyteen ja raha-asioihin. Onko palvelua, jossa eri tahot hoitavat asiaani yhdessä?", "multisectoral_joint_service", "formal"),
("pitkaaikaistyoton, sossu kela ja tyollisyys kaikki erikseen, voisko ne hoitaa yhdessa", "multisectoral_joint_service", "typo"),
# change_security (2)
("Minut irtisanottiin tuotannollisista syistä 58-vuotiaana, kun olin ollut samassa firmassa 20 vuotta. Onko minulla oikeus johonkin koulutukseen tai kertakorvaukseen?", "change_security", "formal"),
("saan lopputilin kuun lopussa, saako irtisanomisaikana vapaata työnhakuun", "change_security", "colloquial"),
# unemployment_benefit (2)
("kumpi mulle maksaa päivärahaa, kassa vai kela, ku en oo kuulunu liittoon", "unemployment_benefit", "colloquial"),
("Kuinka pitkään ansiosidonnaista voi saada?", "unemployment_benefit", "faq"),
# labour_policy_statement (2)
("Kela kertoi odottavansa työvoimaviranomaisen kannanottoa ennen kuin maksaa mitään. Mitä tämä tarkoittaa?", "labour_policy_statement", "formal"),
("sain kirjeen jossa pitää selittää miks en menny sille kurssille", "labour_policy_statement", "colloquial"),
# appeal_decision (2)
("Olen eri mieltä saamastani päätöksestä. Miten haen siihen muutosta ja mihin mennessä se on tehtävä?", "appeal_decision", "formal"),
("miten valitan päätöksestä", "appeal_decision", "short"),
# mobility_allowance (2)
("Sain työpaikan 120 kilometrin päästä kotoa. Korvataanko pitkää työmatkaa tai muuttoa jotenkin?", "mobility_allowance", "formal"),
("tyohaastattelun matkakulut korvataanko", "mobility_allowance", "typo"),
# apprenticeship (2)
("Voisinko opiskella putkiasentajaksi samalla, kun teen töitä ja saan palkkaa?", "apprenticeship", "formal"),
("meille tulis uus tyyppi joka suorittais tutkinnon meidän konepajalla töiden ohessa, miten sopimus tehään", "apprenticeship", "colloquial"),
# start_up_grant (2)
("Jos jätän palkkatyön ja ryhdyn kokoaikaiseksi valokuvaajaksi, voinko saada tukea omaan toimeentulooni ensimmäisiksi kuukausiksi?", "start_up_grant", "formal"),
("paljonko sitä aloittavan yrittäjän tukee saa kuussa", "start_up_grant", "colloquial"),
# business_information (2)
("Onko olemassa valtakunnallista neuvontanumeroa, josta yrittäjä voi kysyä mistä tahansa yritystoimintaan liittyvästä?", "business_information", "faq"),
("pyöritän jo toiminimee, mist löytyis yhestä paikasta oppaat lupiin ja sopimuksiin", "business_information", "colloquial"),
# starting_a_business (2)
("Mietin oman siivousfirman aloittamista. Saako jostain maksutonta apua liiketoimintasuunnitelman laatimiseen?", "starting_a_business", "formal"),
("haluun oman firman mut en tiiä mist edes lähtee liikkeelle", "starting_a_business", "colloquial"),
# business_registration (2)
("Kuinka kauan kestää, että uusi osakeyhtiö merkitään kaupparekisteriin?", "business_registration", "faq"),
("ytunnus toiminimelle miten", "business_registration", "typo"),
# recruitment_services (2)
("Tarvitsemme kolme hitsaajaa syksyksi. Voiko joku auttaa hakijoiden etsimisessä ja esikarsinnassa?", "recruitment_services", "formal"),
("järkkääkö työllisyyspalvelut rekrytapahtumia joihin firma vois tulla mukaan", "recruitment_services", "colloquial"),
# job_advertisement (2)
("Miten yrityksemme saa avoimen paikan näkyviin julkiseen verkkopalveluun maksutta?", "job_advertisement", "formal"),
("ilmotus avoimesta paikasta miten jatetaan tyonantajana", "job_advertisement", "typo"),
# eures_recruitment_abroad (2)
("Emme löydä Suomesta lääkäreitä terveysasemallemme. Voimmeko rekrytoida muista EU-maista julkisen palvelun avulla?", "eures_recruitment_abroad", "formal"),
("portugalista kokkeja ravintolaan, kuka auttaa haussa", "eures_recruitment_abroad", "colloquial"),
# foreign_worker_permit (2)
("Yrityksemme palkkaa hitsaajan Filippiineiltä. Mitä työnantajan on tehtävä, jotta hän saa luvan asua ja työskennellä täällä?", "foreign_worker_permit", "formal"),
("tarviiks EU:n ulkopuolelta palkattavaan kokkiin jotain selvitystä siitä ettei suomesta löydy tekijää", "foreign_worker_permit", "colloquial"),
# pay_subsidy (3)
("Palkkaisin 32-vuotiaan, pitkään työttömänä olleen asentajan. Voiko palkkakuluihin saada tukea?", "pay_subsidy", "formal"),
("yhdistys palkkais työttömän, saadaanks siihen jotain rahaa palkkaan", "pay_subsidy", "colloquial"),
("tuki tyottoman palkkaamiseen paljonko", "pay_subsidy", "typo"),
# employment_subsidy_55plus (3)
("Olemme palkkaamassa 61-vuotiaan, joka on ollut työttömänä parisen vuotta. Onko tällaiseen oma tukensa?", "employment_subsidy_55plus", "formal"),
("yli 55v palkkaus tuki", "employment_subsidy_55plus", "short"),
("voiks 57-vuotiaan työttömän palkkaamiseen saada isompaa tukee", "employment_subsidy_55plus", "colloquial"),
# work_arrangement_support (2)
("Työntekijämme kuulo on heikentynyt, ja hän tarvitsisi erikoisvarusteita. Korvataanko hankinta työnantajalle?", "work_arrangement_support", "formal"),
("uus duunari liikkuu pyörätuolilla, pitää muuttaa vessa ja ovet, saako firma jotain", "work_arrangement_support", "colloquial"),
# joint_purchase_training (2)
("Otamme käyttöön uuden robotisoidun linjan, ja oma henkilöstömme pitäisi kouluttaa. Voiko julkinen sektori osallistua kustannuksiin?", "joint_purchase_training", "formal"),
("haluttais kouluttaa työttömistä meille bussikuskeja räätälöidysti, firma maksais osan", "joint_purchase_training", "colloquial"),
# layoffs_and_change_negotiations (2)
("Tilauskanta romahti ja joudumme lomauttamaan 12 työntekijää. Mitä työnantajan pitää ilmoittaa viranomaisille?", "layoffs_and_change_negotiations", "formal"),
("yt:t 25 hengen firmassa mitä pitää tehä", "layoffs_and_change_negotiations", "colloquial"),
# business_development_grant (3)
("Pieni leipomomme Lahdessa haluaa ottaa käyttöön uuden tuotantomenetelmän ja kouluttaa johtoaan. Saako tällaiseen oman yrityksen kehityshankkeeseen valtion avustusta?", "business_development_grant", "formal"),
("meiän 8 hengen konepaja Tampereella investois uuteen laserleikkuriin, onks siihen jotain avustusta", "business_development_grant", "colloquial"),
("pk-yrityksen oma kehittamisprojekti avustus ely", "business_development_grant", "typo"),
# operating_environment_grant (3)
("Olemme kaupungin kehitysyhtiö ja suunnittelemme hanketta, joka tarjoaa seudun pienyrityksille yhteisiä digitaitojen työpajoja. Mistä tällaiselle saa avustusta?", "operating_environment_grant", "formal"),
("yrittäjäyhdistys haluis selvittää yhteisen logistiikkaratkasun usealle firmalle, saaks tähän tukee", "operating_environment_grant", "colloquial"),
("Voiko voittoa tavoittelematon säätiö saada rahoitusta selvitykseen, josta hyötyvät kaikki seudun teollisuusyritykset?", "operating_environment_grant", "faq"),
# business_finland_funding (2)
("Kehitämme tekoälyyn perustuvaa diagnostiikkaohjelmistoa ja tähtäämme kansainvälisille markkinoille. Mistä saa rahoitusta tutkimukseen ja tuotekehitykseen?", "business_finland_funding", "formal"),
("startup, uus innovaatio, tarttis rahaa pilottiin", "business_finland_funding", "colloquial"),
# finnvera_financing (2)
("Pankki ei myönnä lainaa, koska vakuutemme eivät riitä. Voiko joku taata osan lainasta?", "finnvera_financing", "formal"),
("mist sais yrityslainaa ku pankki ei yksin suostu ottaan koko riskiä", "finnvera_financing", "colloquial"),
# venture_capital_tesi (2)
("Kasvuyhtiömme etsii pääomasijoittajaa. Sijoittaako valtio yhtiöihin suoraan tai rahastojen kautta?", "venture_capital_tesi", "formal"),
("valtion sijoitusyhtiö osakkaaksi?", "venture_capital_tesi", "short"),
# rural_business_funding (2)
("Haluan avata kyläkaupan ja pienen kahvilan maaseudulle Keski-Suomeen. Onko maaseudun yrityksille omia tukia?", "rural_business_funding", "formal"),
("maatilan yhteyteen pieni saha sivubisnekseks, saako maalla investointitukee", "rural_business_funding", "colloquial"),
# structural_fund_projects (2)
("Oppilaitoksemme valmistelee ESR+-hanketta maahanmuuttajanuorten työllistämiseksi. Missä rahoitushaut ovat auki?", "structural_fund_projects", "formal"),
("EAKR hankehaku milloin", "structural_fund_projects", "short"),
# internationalisation_services (2)
("Haluamme laajentaa myyntiämme Japaniin. Kuka auttaa markkinatiedon ja paikallisten kontaktien kanssa?", "internationalisation_services", "formal"),
("ulkomaille myyntiin lähtö, mist neuvoo ekoihin askeliin", "internationalisation_services", "colloquial"),
# export_financing (2)
("Ulkomainen asiakkaamme haluaa kahden vuoden maksuajan. Voiko riskin siitä, ettei hän maksa, turvata jotenkin?", "export_financing", "formal"),
("vientikaupan luottoriski turvaan, mistä", "export_financing", "colloquial"),
# sme_development_services (2)
("Saako pk-yritys edelleen ELY-keskuksen tukemia konsultointipäiviä kuten ennen?", "sme_development_services", "faq"),
("ely analyysi palvelu yritykselle onko viela olemassa", "sme_development_services", "typo"),
# business_growth_advice (2)
("Liikevaihtomme on kasvanut nopeasti ja kaipaisimme ulkopuolista sparrausta kasvun johtamiseen. Onko tähän julkista palvelua?", "business_growth_advice", "formal"),
("kovaa kasvava firma tarvis sparraajan", "business_growth_advice", "colloquial"),
# generational_change (2)
("Jään eläkkeelle parin vuoden päästä. Miten löydän jatkajan kampaamolleni?", "generational_change", "formal"),
("haluisin ostaa jo toimivan yrityksen, missä niitä myydään ja kuka neuvoo kaupoissa", "generational_change", "colloquial"),
# financial_difficulty_advice (2)
("firman kassa on tyhjä ja laskuja rästissä, mistä saan luottamuksellista apua", "financial_difficulty_advice", "colloquial"),
("Yritykseni on ajautumassa konkurssin partaalle. Onko yrittäjille maksutonta neuvontaa, ennen kuin on liian myöhäistä?", "financial_difficulty_advice", "formal"),
# municipal_business_services (2)
("Etsimme tonttia ja toimitilaa uudelle tehtaalle Seinäjoelta. Auttaako kaupunki tässä?", "municipal_business_services", "formal"),
("kunnan elinkeinoasiamiehen yhteystiedot", "municipal_business_services", "short"),
# invest_in_finland (2)
("Ruotsalainen emoyhtiömme harkitsee tuotantolaitoksen perustamista Suomeen. Kuka auttaa sijaintipaikan valinnassa?", "invest_in_finland", "formal"),
("ulkomainen firma haluu investoida suomeen, kehen otetaan yhteyttä", "invest_in_finland", "colloquial"),
# tourism_development (2)
("Pyöritämme mökkimajoitusta Lapissa ja haluaisimme lisää kansainvälisiä asiakkaita. Onko matkailuyrittäjille kehitysohjelmia?", "tourism_development", "formal"),
("safarifirman kasvu ohjelma", "tourism_development", "short"),
# customer_service_contacts (2)
("Mihin numeroon soitan, jos haluan kysyä työnhausta puhelimitse?", "customer_service_contacts", "faq"),
("mihin aikaan tää chatti on auki", "customer_service_contacts", "colloquial"),
# e_services_help (2)
("En pääse kirjautumaan asiointipalveluun, pankkitunnukseni eivät toimi siellä.", "e_services_help", "formal"),
("miten annan kirjanpitäjälle valtuudet hoitaa firman asioita netissä", "e_services_help", "colloquial"),
# customer_rights_and_data (2)
("Mitä tietoja minusta tallennetaan, kun käytän tätä palvelua, ja voinko pyytää niiden poistamista?", "customer_rights_and_data", "faq"),
("saanks mä nähä mitä virkailijat on kirjannu musta", "customer_rights_and_data", "colloquial"),
# regional_services (2)
("Mitä palveluja yrittäjille ja työnhakijoille on tarjolla juuri Kainuussa, ja onko alueella omaa neuvontaa?", "regional_services", "formal"),
("lapin omat palvelut", "regional_services", "short"),
]

FI_DIALOGUE = [
# request_human (12)
("Haluan puhua ihmisen kanssa.", "request_human", "formal"),
("ihminen", "request_human", "short"),
("virkailija", "request_human", "short"),
("et ymmärrä yhtään mitään, laita joku oikee ihminen linjoille", "request_human", "colloquial"),
("Voisiko joku asiantuntija soittaa minulle takaisin?", "request_human", "formal"),
("siirrä mut asiakaspalvelijalle", "request_human", "colloquial"),
("elävä ihminen pliis", "request_human", "short"),
("haluun jutella oikeen ihmisen kaa", "request_human", "colloquial"),
("Onko mahdollista saada chattiin henkilökohtainen neuvoja?", "request_human", "formal"),
("botti ei auta, yhdistä virkailijalle", "request_human", "colloquial"),
("halua puhua ihmiselle", "request_human", "typo"),
("Miten pääsen keskustelemaan oikean asiantuntijan kanssa?", "request_human", "faq"),
# greet (5)
("moi", "greet", "short"),
("Hyvää huomenta!", "greet", "formal"),
("terve terve", "greet", "colloquial"),
("heii", "greet", "typo"),
("päivää", "greet", "short"),
# thanks (5)
("kiitos", "thanks", "short"),
("kiitti tosi paljon", "thanks", "colloquial"),
("Kiitos avusta!", "thanks", "formal"),
("kitos", "thanks", "typo"),
("kiitos, tää auttoi tosi paljon", "thanks", "colloquial"),
# goodbye (5)
("heippa", "goodbye", "short"),
("Näkemiin.", "goodbye", "formal"),
("hei hei, lopetan nyt", "goodbye", "colloquial"),
("nahdaan", "goodbye", "typo"),
("hyvää päivänjatkoa", "goodbye", "formal"),
# out_of_scope: surface-word (20)
("Mistä ostan hyvät tukisukat pitkälle lennolle?", "out_of_scope", "formal"),
("Miten kirjoitan taloyhtiölle hakemuksen parvekelasien asentamisesta?", "out_of_scope", "formal"),
("verkkokauppayritys lähetti väärän kokoset kengät, miten palautan", "out_of_scope", "colloquial"),
("asuntolainan korko nousi taas, kannattaisko kiinteä korko", "out_of_scope", "colloquial"),
("koiran tottelevaisuuskoulutus tampereel suosituksii", "out_of_scope", "colloquial"),
("Miten teen poliisille ilmoituksen kadonneesta lompakosta?", "out_of_scope", "formal"),
("millä saa öljytahran pois työhousuista", "out_of_scope", "colloquial"),
("kirjaston aukioloajat jouluna", "out_of_scope", "short"),
("Mihin kannattaa laittaa myynti-ilmoitus vanhasta sohvasta?", "out_of_scope", "faq"),
("autolaina vai osamaksu?", "out_of_scope", "short"),
("Tarvitsisin tukea tupakoinnin lopettamiseen. Mistä saan apua?", "out_of_scope", "formal"),
("Kuinka monta kuukautta etukäteen päiväkotipaikan hakemus pitää jättää?", "out_of_scope", "faq"),
("mikä yritys korjaa astianpesukoneita oulussa", "out_of_scope", "colloquial"),
("Poliisin lupapalvelun aukioloajat Jyväskylässä?", "out_of_scope", "faq"),
("saako jostain tukee lapsen futisharrastuksen maksuihin", "out_of_scope", "colloquial"),
("työmatkapyörän kumi puhki, mist saa paikkaussarjan", "out_of_scope", "colloquial"),
("Lentoyhtiö hukkasi matkalaukkuni. Miten teen ilmoituksen?", "out_of_scope", "formal"),
("pitäiskö ottaa lainaa mökkiremonttiin vai säästää", "out_of_scope", "colloquial"),
("vuokra-asunto hakemus kauanko jonotus kestaa helsingissa", "out_of_scope", "typo"),
("apteekin aukioloajat sunnuntaina", "out_of_scope", "short"),
# out_of_scope: plain (20)
("Millainen sää on huomenna Rovaniemellä?", "out_of_scope", "formal"),
("anna hyvä resepti karjalanpiirakoihin", "out_of_scope", "colloquial"),
("Kuka voitti jääkiekon MM-kultaa vuonna 2022?", "out_of_scope", "faq"),
("passin uusiminen netissa miten", "out_of_scope", "typo"),
("Miten varaan hammaslääkäriajan terveyskeskukseen?", "out_of_scope", "faq"),
("paljonko maksaa junalippu helsingistä ouluun", "out_of_scope", "colloquial"),
("Miten vaihdan auton talvirenkaat itse?", "out_of_scope", "faq"),
("kerro vitsi", "out_of_scope", "short"),
("mikä ois hyvä leffa viikonlopuks", "out_of_scope", "colloquial"),
("Pankkikorttini katosi. Miten saan sen suljettua?", "out_of_scope", "formal"),
("Miten kasvatan tomaatteja parvekkeella?", "out_of_scope", "faq"),
("paljonko kello on tokiossa", "out_of_scope", "short"),
("Milloin roska-astiat tyhjennetään meidän kadullamme?", "out_of_scope", "formal"),
("onks särkänniemi auki lokakuussa", "out_of_scope", "colloquial"),
("kuinka pitka on suomen pisin joki", "out_of_scope", "typo"),
("Voinko ottaa kissan mukaan lomamatkalle Viroon?", "out_of_scope", "formal"),
("Mikä on tämänhetkinen suositus koronarokotteen tehosteannoksesta?", "out_of_scope", "formal"),
("ajokortin uusiminen 70v mita tarvitaan", "out_of_scope", "typo"),
("kannattaako pörssisähkö", "out_of_scope", "short"),
("Suosittele hyvä ravintola Turussa.", "out_of_scope", "formal"),
]
