SV = [
# job_market_platform (3)
("finns det nån sajt där ja kan bläddra bland lediga tjänster och lägga in vad ja kan så arbetsgivare hittar mej?", "job_market_platform", "colloquial"),
("Jag vill få ett mejl varje gång det kommer ut en ny tjänst som sjukskötare i Jakobstad.", "job_market_platform", "formal"),
("hur staller jag in bevakning pa nya jobb", "job_market_platform", "typo"),
# labour_market_information (3)
("Inom vilka yrken är bristen på arbetskraft störst i Österbotten just nu?", "labour_market_information", "formal"),
("statistik arbetslöshet Nyland", "labour_market_information", "short"),
("e det stor efterfrågan på busschaufförer i Åboland eller int, finns det nån prognos?", "labour_market_information", "colloquial"),
# training_information (2)
("Var kan jag läsa om vilka yrkesutbildningar för vuxna som ges på svenska i Vasatrakten?", "training_information", "faq"),
("distanskurser i ekonomi, var hittar man alla alternativ samlat", "training_information", "colloquial"),
# jobseeker_registration (2)
("Mitt vikariat tar slut nästa vecka. Hur blir jag kund hos sysselsättningstjänsterna så att jag inte förlorar några dagar?", "jobseeker_registration", "formal"),
("hur skriver ja in mej som arbetslös i Borgå", "jobseeker_registration", "colloquial"),
# job_search_obligation (2)
("Räcker det om jag söker två jobb i månaden, eller krävs det fler?", "job_search_obligation", "formal"),
("glomde meddela vilka jobb ja sokt i mars vad hander nu", "job_search_obligation", "typo"),
# employment_plan (2)
("På torsdag har jag samtal med min handledare på sysselsättningsområdet, där vi ska göra upp min plan. Vad borde jag förbereda?", "employment_plan", "formal"),
("kan man ändra planen man gjort upp med sysselsättningstjänsterna om man börjar jobba deltid", "employment_plan", "colloquial"),
# job_mediation (2)
("Jag fick ett jobbtips från sysselsättningstjänsterna som jag förväntas söka. Är jag tvungen?", "job_mediation", "formal"),
("kan ni skicka mina uppgifter till arbetsgivare som söker folk", "job_mediation", "colloquial"),
# career_guidance (3)
("Jag har arbetat som sjukskötare i tjugo år och funderar på att byta bana helt. Kan jag få diskutera med en yrkesvägledare fast jag fortfarande är anställd?", "career_guidance", "formal"),
("50 år o trött på lagerjobbet, vem kan hjälpa mej fundera på nåt nytt", "career_guidance", "colloquial"),
("byta yrke som vuxen", "career_guidance", "short"),
# job_search_coaching (2)
("Jag får aldrig svar på mina ansökningar. Finns det träning där man får hjälp med CV och anställningsintervjuer?", "job_search_coaching", "formal"),
("nån grupp för arbetssökande där man övar intervjuer i Karleby?", "job_search_coaching", "colloquial"),
# career_coaching (2)
("Jag är arbetslös och osäker på vilken riktning jag ska ta. Finns det en coachningsperiod där man får klarhet i sina mål?", "career_coaching", "formal"),
("nån kurs för arbetslösa där man funderar på vilket yrke eller om eget företag sku passa", "career_coaching", "colloquial"),
# labour_market_training (2)
("Som arbetslös vill jag gå en avgiftsfri utbildning till lastbilschaufför. Hur söker jag?", "labour_market_training", "formal"),
("gratis utbildning for arbetslosa svetsning", "labour_market_training", "typo"),
# self_motivated_study (2)
("Kan jag börja studera till barnskötare och ändå behålla min arbetslöshetsförmån?", "self_motivated_study", "faq"),
("plugga på heltid utan att dagpenningen dras in, går det?", "self_motivated_study", "colloquial"),
# work_trial (2)
("Jag skulle vilja pröva på att jobba i en trädgårdsbutik innan jag söker in till utbildningen. Går det att vara där några månader utan lön?", "work_trial", "formal"),
("vårt båtvarv i Pargas kunde ta emot nån som testar jobbet utan anställning, hur ordnar man det", "work_trial", "colloquial"),
# job_coaching (2)
("Min dotter har en intellektuell funktionsnedsättning och har fått jobb på ett kafé. Finns det någon som kan stödja henne på arbetsplatsen i början?", "job_coaching", "formal"),
("personlig coach som följer med till nya jobbet och pratar med chefen", "job_coaching", "colloquial"),
# eures_work_abroad (2)
("Jag vill jobba en säsong på en skidort i Österrike. Vem kan ge råd om jobbsökning inom EU?", "eures_work_abroad", "formal"),
("jobba i norge hjälp", "eures_work_abroad", "short"),
# youth_services (3)
("ja e 17 o har hoppat av gymnasiet, vart kan ja vända mej", "youth_services", "colloquial"),
("Finns det ett ställe för unga där man kan få hjälp med både jobb, bostad och pengar på samma gång?", "youth_services", "faq"),
("24 ar, inget jobb, ingen studieplats, vad finns for unga", "youth_services", "typo"),
# immigrant_initial_assessment (2)
("Min man flyttade nyss till Närpes från Vietnam. Vem bedömer hans språkkunskaper och vilken hjälp han behöver för att komma i gång här?", "immigrant_initial_assessment", "formal"),
("ny i finland, hur får ja en plan för hur ja ska komma in i samhället", "immigrant_initial_assessment", "colloquial"),
# integration_training (2)
("Var kan en vuxen invandrare studera svenska i Vasa som förberedelse för arbetslivet?", "integration_training", "faq"),
("svenskakurs för invandrare Åboland", "integration_training", "short"),
# partial_work_ability (2)
("Efter en arbetsolycka klarar jag inte längre mitt gamla yrke. Vilken hjälp finns för den som har nedsatt arbetsförmåga?", "partial_work_ability", "formal"),
("pga reumatism orkar ja bara jobba halvtid, finns det hjälp att hitta nåt sånt", "partial_work_ability", "colloquial"),
# multisectoral_joint_service (2)
("Jag har varit utan jobb i flera år och behöver samtidigt hjälp med hälsan och ekonomin. Finns det en tjänst där olika myndigheter samarbetar kring mig?", "multisectoral_joint_service", "formal"),
("langtidsarbetslos och socialen, fpa och sysselsattningen vill alla ha skilda moten", "multisectoral_joint_service", "typo"),
# change_security (2)
("Jag blev uppsagd av ekonomiska skäl efter 25 år på sågen, och jag är 59. Har jag rätt till utbildning eller ett engångsbelopp?", "change_security", "formal"),
("får man ledigt under uppsägningstiden för att söka jobb?", "change_security", "colloquial"),
# unemployment_benefit (2)
("ja e int med i nån kassa, vem betalar ersättning när ja blir utan jobb", "unemployment_benefit", "colloquial"),
("Hur länge kan man få inkomstrelaterad dagpenning?", "unemployment_benefit", "faq"),
# labour_policy_statement (2)
("FPA säger att de väntar på arbetskraftsmyndighetens ställningstagande innan de betalar. Vad innebär det?", "labour_policy_statement", "formal"),
("fick ett brev där ja ska förklara varför ja tacka nej till jobbet", "labour_policy_statement", "colloquial"),
# appeal_decision (2)
("Jag är inte nöjd med beslutet jag fick. Hur begär jag att det prövas på nytt och hur lång tid har jag på mig?", "appeal_decision", "formal"),
("hur överklagar man", "appeal_decision", "short"),
# mobility_allowance (2)
("Jag fick jobb i Helsingfors men bor i Ekenäs. Kan jag få ersättning för den långa pendlingen?", "mobility_allowance", "formal"),
("resekostnader till jobbintervju ersatts?", "mobility_allowance", "typo"),
# apprenticeship (2)
("Kan jag utbilda mig till elektriker medan jag jobbar och får lön?", "apprenticeship", "faq"),
("vi vill ta in en lärling på bilverkstaden i Kristinestad som tar examen på jobbet, hur gör vi avtalet", "apprenticeship", "colloquial"),
# start_up_grant (2)
("Om jag säger upp mig från banken och blir snickare på heltid som egen företagare, kan jag få stöd för uppehället de första månaderna?", "start_up_grant", "formal"),
("hur mycket far man i stod per manad som ny foretagare", "start_up_grant", "typo"),
# business_information (2)
("Finns det en riksomfattande rådgivning dit företagare kan ringa med alla slags frågor om att driva företag?", "business_information", "formal"),
("var hittar ja guider om tillstånd o avtal för min firma", "business_information", "colloquial"),
# starting_a_business (2)
("Jag funderar på att öppna en frisersalong i Jakobstad. Var får jag gratis hjälp med affärsplanen?", "starting_a_business", "formal"),
("vill starta eget men vet int var ja ska börja", "starting_a_business", "colloquial"),
# business_registration (2)
("Hur länge dröjer det innan ett nytt aktiebolag förs in i handelsregistret?", "business_registration", "faq"),
("fo nummer till firma hur", "business_registration", "typo"),
# recruitment_services (2)
("Vi behöver fem säsongsanställda till fiskförädlingen i Korsholm. Kan ni hjälpa oss att hitta och förhandssålla kandidater?", "recruitment_services", "formal"),
("ordnar sysselsättningstjänsterna rekryteringsevenemang som företag kan delta i?", "recruitment_services", "faq"),
# job_advertisement (2)
("Hur lägger vårt företag ut en ledig tjänst gratis i den offentliga jobbtjänsten?", "job_advertisement", "formal"),
("vi söker personal, annonsera var?", "job_advertisement", "short"),
# eures_recruitment_abroad (2)
("Vi har svårt att hitta sjukskötare och skulle vilja rekrytera från Spanien. Finns det offentlig hjälp för det?", "eures_recruitment_abroad", "formal"),
("rekrytera kockar från baltikum, vem hjälper", "eures_recruitment_abroad", "colloquial"),
# foreign_worker_permit (2)
("Vi ska anställa en svetsare från Indien. Vad måste vi som arbetsgivare göra för att han ska få tillstånd att bo och arbeta här?", "foreign_worker_permit", "formal"),
("Prövas det om arbetskraft finns att tillgå när man anställer någon från ett land utanför EU?", "foreign_worker_permit", "faq"),
# pay_subsidy (3)
("Vi vill anställa en 40-årig arbetslös lagerarbetare i Vasa. Kan vi få stöd för lönekostnaderna?", "pay_subsidy", "formal"),
("föreningen vill anställa en arbetslös, finns det nåt bidrag för lönen", "pay_subsidy", "colloquial"),
("stod for att anstalla arbetslos hur mycket", "pay_subsidy", "typo"),
# employment_subsidy_55plus (3)
("Vi funderar på att anställa en 62-årig arbetslös snickare. Finns det ett särskilt stöd för det?", "employment_subsidy_55plus", "formal"),
("anstalla over 55 stod", "employment_subsidy_55plus", "typo"),
("får man mer i stöd om den man anställer har fyllt 56?", "employment_subsidy_55plus", "colloquial"),
# work_arrangement_support (2)
("En av våra anställda har fått nedsatt syn och behöver särskilda hjälpmedel vid datorn. Får arbetsgivaren ersättning för dem?", "work_arrangement_support", "formal"),
("ny anställd sitter i rullstol, vi måste bygga om, får vi nåt stöd", "work_arrangement_support", "colloquial"),
# joint_purchase_training (2)
("Vi inför ett nytt affärssystem och hela personalen behöver skolas. Kan det offentliga dela på kostnaderna?", "joint_purchase_training", "formal"),
("skräddarsydd utbildning av arbetslösa till vår fabrik, vi betalar en del", "joint_purchase_training", "colloquial"),
# layoffs_and_change_negotiations (2)
("Orderstocken har minskat och vi måste permittera åtta personer. Vad ska vi meddela myndigheterna?", "layoffs_and_change_negotiations", "formal"),
("samarbetsförhandlingar 30 anställda vad gäller", "layoffs_and_change_negotiations", "short"),
# business_development_grant (3)
("Vårt lilla bageri i Esbo vill införa en ny produktionsmetod och utbilda ledningen. Finns det statligt bidrag för ett sådant projekt i det egna företaget?", "business_development_grant", "formal"),
("vi e 12 anställda i Vasa o ska investera i en ny CNC-maskin, finns det bidrag", "business_development_grant", "colloquial"),
("bidrag for eget foretags utvecklingsprojekt", "business_development_grant", "typo"),
# operating_environment_grant (3)
("Vi är ett regionalt utvecklingsbolag och planerar ett projekt som ger alla småföretag i regionen gemensam digital rådgivning. Var söker vi understöd?", "operating_environment_grant", "formal"),
("företagarföreningen vill utreda gemensam logistik för flera firmor, finns det pengar för det", "operating_environment_grant", "colloquial"),
("Kan en stiftelse få finansiering för en utredning som gagnar alla industriföretag i Jakobstadsregionen?", "operating_environment_grant", "faq"),
# business_finland_funding (2)
("Vi utvecklar en ny sensorteknik för sjöfarten och siktar på världsmarknaden. Var söker man finansiering för forskning och produktutveckling?", "business_finland_funding", "formal"),
("startup med ny innovation, behöver pengar till pilot", "business_finland_funding", "colloquial"),
# finnvera_financing (2)
("Banken kräver mer säkerheter än vi har för lånet. Kan någon gå i borgen för en del av det?", "finnvera_financing", "formal"),
("lån till firman när banken int vill ta hela risken", "finnvera_financing", "colloquial"),
# venture_capital_tesi (2)
("Vårt tillväxtbolag söker kapitalinvesterare. Investerar staten i bolag direkt eller via fonder?", "venture_capital_tesi", "formal"),
("statligt investeringsbolag som delägare?", "venture_capital_tesi", "short"),
# rural_business_funding (2)
("Jag vill starta en gårdsbutik med litet bageri ute på landet i Vörå. Finns det särskilda stöd för företag på landsbygden?", "rural_business_funding", "formal"),
("investeringsstod for smaskaligt sagverk pa landet", "rural_business_funding", "typo"),
# structural_fund_projects (2)
("Vår yrkeshögskola planerar ett ESF+-projekt för att få långtidsarbetslösa i arbete. Var hittar vi utlysningarna?", "structural_fund_projects", "formal"),
("ERUF ansökan när", "structural_fund_projects", "short"),
# internationalisation_services (2)
("Vi vill börja sälja våra båtar i Tyskland. Vem kan hjälpa oss med marknadsinformation och kontakter?", "internationalisation_services", "formal"),
("första steget mot utlandsförsäljning, var får man råd", "internationalisation_services", "colloquial"),
# export_financing (2)
("En kund i Brasilien vill ha två års betalningstid. Kan vi skydda oss mot risken att han inte betalar?", "export_financing", "formal"),
("kreditrisk i en exportaffär, var får man garanti", "export_financing", "colloquial"),
# sme_development_services (2)
("Kan små företag fortfarande få NTM-centralens subventionerade konsultdagar?", "sme_development_services", "faq"),
("ntm analys tjanst for foretag finns den kvar", "sme_development_services", "typo"),
# business_growth_advice (2)
("Omsättningen har fördubblats på ett år och vi behöver någon att bolla tillväxtstrategin med. Finns det offentlig hjälp?", "business_growth_advice", "formal"),
("sparring för snabbväxande bolag", "business_growth_advice", "short"),
# generational_change (2)
("Jag går i pension om två år. Hur hittar jag någon som vill ta över min blomsteraffär i Lovisa?", "generational_change", "formal"),
("vill köpa ett företag som redan finns, vem ger råd", "generational_change", "colloquial"),
# financial_difficulty_advice (2)
("Kassan är tom och leverantörerna kräver betalning. Var får jag konfidentiell hjälp som företagare?", "financial_difficulty_advice", "formal"),
("firman går dåligt o ja e rädd för konkurs, vem kan ja prata med", "financial_difficulty_advice", "colloquial"),
# municipal_business_services (2)
("Vi söker en tomt för en ny verkstadshall i Kronoby. Hjälper kommunen till med det?", "municipal_business_services", "formal"),
("kommunens näringslivsombud kontakt", "municipal_business_services", "short"),
# invest_in_finland (2)
("Ett norskt bolag överväger att bygga ett datacenter i Finland. Vem hjälper till med att välja plats?", "invest_in_finland", "formal"),
("utländsk firma vill investera i finland, vem kontaktar man", "invest_in_finland", "colloquial"),
# tourism_development (2)
("Vi driver stuguthyrning i skärgården och vill locka fler utländska gäster. Finns det utvecklingsprogram för turistföretag?", "tourism_development", "formal"),
("turistföretag vill växa, program?", "tourism_development", "short"),
# customer_service_contacts (2)
("Vilket nummer ska jag ringa för att få service på svenska?", "customer_service_contacts", "faq"),
("när e chatten öppen", "customer_service_contacts", "colloquial"),
# e_services_help (2)
("Jag kommer inte in i e-tjänsten, mina bankkoder fungerar inte där.", "e_services_help", "formal"),
("hur ger ja min bokförare fullmakt att sköta firmans ärenden på nätet", "e_services_help", "colloquial"),
# customer_rights_and_data (2)
("Vilka uppgifter om mig sparas när jag använder tjänsten, och kan jag begära att de raderas?", "customer_rights_and_data", "faq"),
("får ja se vad handläggaren har skrivit om mej", "customer_rights_and_data", "colloquial"),
# regional_services (2)
("Vilka tjänster för företag och arbetssökande finns här i Åboland, och har regionen egen rådgivning?", "regional_services", "formal"),
("egen rådgivning på Åland?", "regional_services", "short"),
]

SV_DIALOGUE = [
# request_human (12)
("Jag vill prata med en människa.", "request_human", "formal"),
("människa", "request_human", "short"),
("handläggare", "request_human", "short"),
("du fattar ju ingenting, ge mej en riktig person", "request_human", "colloquial"),
("Kan någon ringa upp mig?", "request_human", "formal"),
("koppla mej vidare till en kundtjänstperson", "request_human", "colloquial"),
("vill prata med en levande person", "request_human", "colloquial"),
("Finns det möjlighet att chatta med en riktig rådgivare?", "request_human", "faq"),
("boten hjälper int, koppla vidare", "request_human", "colloquial"),
("vill prata med manniska", "request_human", "typo"),
("ring mej", "request_human", "short"),
("Jag önskar bli kontaktad per telefon av en tjänsteman.", "request_human", "formal"),
# greet (5)
("hej", "greet", "short"),
("God morgon!", "greet", "formal"),
("tjena", "greet", "colloquial"),
("hejsan!", "greet", "short"),
("hejj", "greet", "typo"),
# thanks (5)
("tack", "thanks", "short"),
("Tack så mycket!", "thanks", "formal"),
("tackar!", "thanks", "colloquial"),
("tack för hjälpen", "thanks", "short"),
("tak", "thanks", "typo"),
# goodbye (5)
("hej då", "goodbye", "short"),
("ha det bra", "goodbye", "colloquial"),
("vi hörs", "goodbye", "colloquial"),
("Adjö.", "goodbye", "formal"),
("hej da", "goodbye", "typo"),
# out_of_scope: surface-word (20)
("Var köper jag stödstrumpor inför en lång flygresa?", "out_of_scope", "formal"),
("Hur skriver jag en ansökan till husbolaget om att få glasa in balkongen?", "out_of_scope", "formal"),
("nätbutiksföretaget skicka fel storlek på jackan, hur returnerar ja den", "out_of_scope", "colloquial"),
("Räntan på mitt bostadslån steg, ska jag binda den?", "out_of_scope", "formal"),
("hundutbildning i Borgå, nån som vet ett bra ställe", "out_of_scope", "colloquial"),
("Var lägger jag in en annons för att sälja min gamla motorbåt?", "out_of_scope", "faq"),
("hur får man bort oljefläckar från jobbkläderna", "out_of_scope", "colloquial"),
("bibliotekets öppettider i Mariehamn", "out_of_scope", "short"),
("billån eller leasing?", "out_of_scope", "short"),
("Jag behöver stöd för att sluta snusa. Vart kan jag vända mig?", "out_of_scope", "formal"),
("Hur långt i förväg ska ansökan om dagvårdsplats lämnas in i Pedersöre?", "out_of_scope", "faq"),
("vilket företag reparerar tvättmaskiner i Karleby", "out_of_scope", "colloquial"),
("Apotekets öppettider på söndag i Ekenäs?", "out_of_scope", "faq"),
("finns det stöd för barnets hockeyavgifter", "out_of_scope", "colloquial"),
("Flygbolaget tappade bort min väska. Hur gör jag en anmälan?", "out_of_scope", "formal"),
("ska ja ta lån för stugrenoveringen eller spara", "out_of_scope", "colloquial"),
("ansokan om hyresbostad i vasa hur lang ar kon", "out_of_scope", "typo"),
("Var ordnas utbildning i första hjälpen för privatpersoner?", "out_of_scope", "faq"),
("Vilka är öppettiderna för färjeterminalen i Långnäs?", "out_of_scope", "formal"),
("cykeln ja tar till jobbet fick punktering, var köper man lappningssats", "out_of_scope", "colloquial"),
# out_of_scope: plain (20)
("Hur blir vädret i Jakobstad i morgon?", "out_of_scope", "formal"),
("ge mej ett recept på laxsoppa", "out_of_scope", "colloquial"),
("vem vann skidskyttet i går", "out_of_scope", "colloquial"),
("Hur förnyar jag mitt pass?", "out_of_scope", "faq"),
("Hur bokar jag tid till tandläkaren på hälsocentralen?", "out_of_scope", "faq"),
("vad kostar tåget från Karis till Åbo", "out_of_scope", "colloquial"),
("Hur byter jag själv vinterdäck på bilen?", "out_of_scope", "faq"),
("berätta ett skämt", "out_of_scope", "short"),
("tips på helgfilm", "out_of_scope", "short"),
("Mitt bankkort har försvunnit. Hur spärrar jag det?", "out_of_scope", "formal"),
("Hur odlar man jordgubbar i kruka?", "out_of_scope", "faq"),
("vad e klockan i new york nu", "out_of_scope", "colloquial"),
("När töms soptunnorna på vår gata i Korsholm?", "out_of_scope", "formal"),
("Är Borgbacken öppen i september?", "out_of_scope", "faq"),
("hur manga oar finns i abolands skargard", "out_of_scope", "typo"),
("Får jag ta med hunden på färjan till Stockholm?", "out_of_scope", "formal"),
("Vilka vaccinationer behöver jag inför en resa till Thailand?", "out_of_scope", "formal"),
("korkortet ska fornyas nar man fyller 70, vad behovs", "out_of_scope", "typo"),
("lönar sig börselavtal?", "out_of_scope", "short"),
("Rekommendera en bra restaurang i Mariehamn.", "out_of_scope", "formal"),
]
