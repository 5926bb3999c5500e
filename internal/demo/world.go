package demo

import (
	"passerelle/internal/account"
	"passerelle/internal/application"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/contract"
	"passerelle/internal/offer"
	"passerelle/internal/skill"
)

// The demo world, written by hand so that it reads like the real thing.
// Companies, people and their e-mail addresses are invented (addresses are
// under the reserved .test domain); communes, ROME occupations and skills
// are real. Dates are in days from the day Seed runs.

type person struct{ name, email string }

type companySpec struct {
	name        string
	siren8      string // the first 8 digits; sirenOf adds the check digit
	insee, city string
	sector      string
	size        offer.CompanySize
	website     string
	description string
	owner       person
	members     []person
	offers      []offerSpec
}

type offerSpec struct {
	title          string
	rome           skill.RomeCode
	description    string
	skills         []skillReq
	contract       contract.Type
	remote         offer.RemotePolicy
	salary         offer.Salary
	startDays      int // 0: as soon as possible
	careerChangers bool
	status         offer.Status
	closeNote      string
}

type skillReq struct {
	code      skill.Code
	level     skill.Level
	must      bool
	learnable bool
}

func must(c skill.Code, l skill.Level) skillReq      { return skillReq{c, l, true, false} }
func mustLearn(c skill.Code, l skill.Level) skillReq { return skillReq{c, l, true, true} }
func nice(c skill.Code, l skill.Level) skillReq      { return skillReq{c, l, false, false} }
func niceLearn(c skill.Code, l skill.Level) skillReq { return skillReq{c, l, false, true} }

type adviserOrgSpec struct {
	name, kind  string
	insee, city string
	owner       person
	members     []person
	about       []string // for the logins: owner first
}

type candidateSpec struct {
	name, email   string
	about         string // for the logins
	headline      string
	insee, city   string
	mobilityKm    int
	remote        candidate.RemotePreference
	contracts     []contract.Type
	availableDays int
	skills        []held
	trainings     []trainingSpec
	former        []formerSpec
	languages     []candidate.Language
	visibility    candidate.Visibility
	consent       bool
	// adviser is the index of the adviser following the candidate (the
	// organisation's caseload), -1 for none.
	adviser int
	// validated are skills the adviser validates after linking.
	validated []skill.Code
}

type held struct {
	code     skill.Code
	level    skill.Level
	evidence skill.Evidence
}

func declared(c skill.Code, l skill.Level) held   { return held{c, l, skill.EvidenceDeclared} }
func trained(c skill.Code, l skill.Level) held    { return held{c, l, skill.EvidenceTraining} }
func experience(c skill.Code, l skill.Level) held { return held{c, l, skill.EvidenceExperience} }

type trainingSpec struct {
	title, provider    string
	startDays, endDays int
	skills             []skill.Code
}

type formerSpec struct {
	rome  skill.RomeCode
	years int
}

type worldSpec struct {
	admin      person
	companies  []companySpec
	advisers   adviserOrgSpec
	candidates []candidateSpec
	workflow   workflowSpec
}

// logins lists the accounts of the world, administrator first.
func (w worldSpec) logins() []Login {
	out := []Login{{Email: AdminEmail, Role: auth.RoleAdmin, Name: w.admin.name, About: "administratrice de la plateforme"}}
	for _, c := range w.companies {
		out = append(out, Login{Email: c.owner.email, Role: auth.RoleEmployer, Name: c.owner.name, About: "recrute pour " + c.name + " (responsable du compte)"})
		for _, m := range c.members {
			out = append(out, Login{Email: m.email, Role: auth.RoleEmployer, Name: m.name, About: "recrute pour " + c.name})
		}
	}
	for i, p := range append([]person{w.advisers.owner}, w.advisers.members...) {
		out = append(out, Login{Email: p.email, Role: auth.RoleAdviser, Name: p.name, About: w.advisers.about[i]})
	}
	for _, c := range w.candidates {
		out = append(out, Login{Email: c.email, Role: auth.RoleCandidate, Name: c.name, About: c.about})
	}
	return out
}

func tag(slug string) skill.Code { return skill.TagCode(slug) }
func ogr(id string) skill.Code   { return skill.OGRCode(id) }

var (
	fr     = candidate.Language{Code: "fr", Level: candidate.LanguageNative}
	enA2   = candidate.Language{Code: "en", Level: candidate.LanguageA2}
	enB1   = candidate.Language{Code: "en", Level: candidate.LanguageB1}
	enB2   = candidate.Language{Code: "en", Level: candidate.LanguageB2}
	cdi    = contract.CDI
	cdd    = contract.CDD
	altern = contract.Alternance
	stage  = contract.Stage
	free   = contract.Freelance
)

// world returns the demo world.
func world() worldSpec {
	return worldSpec{
		admin:      person{"Nadia Benali", AdminEmail},
		companies:  companies(),
		advisers:   adviserOrg(),
		candidates: candidates(),
		workflow:   workflow(),
	}
}

func companies() []companySpec {
	return []companySpec{
		{
			name: "Loire Data Conseil", siren8: "83214567", insee: "44109", city: "Nantes",
			sector: "Conseil en données et informatique décisionnelle", size: offer.Size10to49,
			website: "https://loire-data-conseil.example",
			description: "Cabinet nantais de conseil en données créé en 2017, Loire Data Conseil accompagne des PME, des collectivités " +
				"et des associations de l'Ouest dans leurs tableaux de bord, leurs entrepôts de données et leurs premiers projets d'IA.\n" +
				"Une équipe de 28 personnes, dont un tiers venues d'un autre métier : nous formons en interne et croyons aux reconversions.",
			owner:   person{"Claire Moreau", "claire.moreau@passerelle.test"},
			members: []person{{"Thomas Lebreton", "thomas.lebreton@passerelle.test"}},
			offers: []offerSpec{
				{
					title: "Data analyst junior (H/F)", rome: "M1851", contract: contract.CDI, remote: offer.RemoteHybrid,
					salary: offer.Salary{Min: 32000, Max: 38000}, startDays: 75, careerChangers: true, status: offer.StatusPublished,
					description: "Au sein du pôle décisionnel, vous construisez avec nos clients leurs tableaux de bord Power BI : recueil du besoin, " +
						"requêtes SQL, modélisation, restitution.\n" +
						"Vous venez de la gestion, de la comptabilité ou du contrôle de gestion et vous terminez une formation en analyse de données ? " +
						"Votre connaissance des métiers de nos clients nous intéresse autant que votre technique. " +
						"Un binôme senior vous accompagne pendant vos six premiers mois. Deux jours de télétravail par semaine.",
					skills: []skillReq{must(tag("sql"), 2), must(tag("power-bi"), 2), must(tag("excel"), 3), must(ogr("300067"), 2),
						niceLearn(tag("python"), 1), nice(tag("data-viz"), 2), niceLearn(tag("statistics"), 1)},
				},
				{
					title: "Data engineer en alternance (H/F)", rome: "M1811", contract: contract.Alternance, remote: offer.RemoteHybrid,
					salary: offer.Salary{Min: 14000, Max: 19000}, startDays: 45, careerChangers: true, status: offer.StatusPublished,
					description: "Alternance de 12 à 24 mois pour préparer un titre de data engineer. Vous alimentez l'entrepôt de données de nos clients " +
						"(pipelines Python, SQL, orchestration avec Airflow) et industrialisez les traitements avec l'équipe.\n" +
						"Rythme et école à choisir ensemble ; nous travaillons déjà avec plusieurs organismes nantais.",
					skills: []skillReq{must(tag("python"), 2), must(tag("sql"), 2), mustLearn(tag("git"), 1),
						niceLearn(tag("airflow"), 1), niceLearn(tag("docker"), 1), nice(tag("postgresql"), 1)},
				},
				{
					title: "Consultant·e décisionnel Power BI confirmé·e (H/F)", rome: "M1824", contract: contract.CDI, remote: offer.RemoteHybrid,
					salary: offer.Salary{Min: 42000, Max: 50000}, startDays: 110, careerChangers: false, status: offer.StatusDraft,
					description: "Brouillon : poste en cours de définition avec le client. Conception de modèles de données et de rapports Power BI, " +
						"animation d'ateliers avec les métiers, encadrement technique de deux consultants juniors.",
					skills: []skillReq{must(tag("power-bi"), 3), must(tag("sql"), 3), nice(tag("dbt"), 2), nice(tag("azure"), 1)},
				},
			},
		},
		{
			name: "Estuaire Numérique", siren8: "79134528", insee: "44162", city: "Saint-Herblain",
			sector: "Entreprise de services du numérique", size: offer.Size50to249,
			website: "https://estuaire-numerique.example",
			description: "Agence web et ESN installée à Saint-Herblain depuis 2009 : sites et applications pour des industriels, des " +
				"mutuelles et des acteurs culturels de la métropole. 120 salariés, une école interne et un programme d'accueil " +
				"pour les développeuses et développeurs issus de reconversion.",
			owner:   person{"Julien Marchand", "julien.marchand@passerelle.test"},
			members: []person{{"Sophie Nguyen", "sophie.nguyen@passerelle.test"}},
			offers: []offerSpec{
				{
					title: "Développeur·se web full stack JavaScript (H/F)", rome: "M1855", contract: contract.CDI, remote: offer.RemoteHybrid,
					salary: offer.Salary{Min: 35000, Max: 42000}, startDays: 60, careerChangers: true, status: offer.StatusPublished,
					description: "Vous rejoignez une équipe de six personnes qui développe les applications de nos clients en React et Node.js. " +
						"Revue de code systématique, tests automatisés, mise en production continue.\n" +
						"Sortie de formation récente bienvenue : un parcours d'intégration de trois mois et un mentor vous attendent.",
					skills: []skillReq{must(tag("javascript"), 2), must(tag("react"), 2), must(tag("html"), 2), must(tag("css"), 2),
						mustLearn(tag("git"), 2), niceLearn(tag("node"), 1), niceLearn(tag("typescript"), 1), niceLearn(tag("unit-testing"), 1)},
				},
				{
					title: "Développeur·se web en alternance (H/F)", rome: "M1855", contract: contract.Alternance, remote: offer.RemoteOnsite,
					salary: offer.Salary{Min: 13000, Max: 18000}, startDays: 30, careerChangers: true, status: offer.StatusPublished,
					description: "Alternance d'un à deux ans pour préparer le titre professionnel de développeur web et web mobile ou un " +
						"bachelor. Vous intégrez l'équipe « sites vitrines » : PHP, Symfony, WordPress et beaucoup d'échanges avec les clients.",
					skills: []skillReq{must(tag("html"), 2), must(tag("css"), 2), mustLearn(tag("php"), 1), niceLearn(tag("symfony"), 1),
						nice(tag("javascript"), 1), nice(tag("wordpress"), 1)},
				},
				{
					title: "Développeur·se back-end Go (H/F)", rome: "M1805", contract: contract.CDI, remote: offer.RemoteFull,
					salary: offer.Salary{Min: 42000, Max: 52000}, startDays: 90, careerChangers: false, status: offer.StatusPublished,
					description: "Pour notre plateforme de paiement de billetterie, vous concevez et maintenez des services en Go sur PostgreSQL, " +
						"déployés dans Kubernetes. Astreintes partagées, une semaine sur six. Poste en télétravail complet avec deux " +
						"séminaires par an à Saint-Herblain.",
					skills: []skillReq{must(tag("go"), 3), must(tag("postgresql"), 2), must(tag("docker"), 2), must(tag("git"), 2),
						niceLearn(tag("kubernetes"), 1), nice(tag("rest-api"), 2)},
				},
				{
					title: "Intégrateur·rice web (H/F)", rome: "M1855", contract: contract.CDD, remote: offer.RemoteOnsite,
					salary: offer.Salary{Min: 27000, Max: 30000}, startDays: 20, careerChangers: true, status: offer.StatusClosed,
					closeNote:   "Poste pourvu par une candidate sortie de formation en mars.",
					description: "CDD de huit mois pour intégrer les maquettes Figma de nos sites culturels en HTML et CSS accessibles.",
					skills:      []skillReq{must(tag("html"), 3), must(tag("css"), 3), nice(tag("figma"), 1), niceLearn(tag("accessibility"), 1)},
				},
			},
		},
		{
			name: "Atlantique Cyber Défense", siren8: "88412036", insee: "44143", city: "Rezé",
			sector: "Cybersécurité", size: offer.Size10to49,
			website: "https://atlantique-cyber.example",
			description: "Centre de supervision de sécurité (SOC) au service des PME et des hôpitaux du Grand Ouest. Nous surveillons, " +
				"détectons et répondons aux incidents 24 heures sur 24 depuis Rezé. Nous recrutons sur le potentiel : rigueur, " +
				"curiosité et sang-froid comptent autant que les certifications.",
			owner: person{"Marc Le Gall", "marc.legall@passerelle.test"},
			offers: []offerSpec{
				{
					title: "Analyste SOC niveau 1 (H/F)", rome: "M1812", contract: contract.CDI, remote: offer.RemoteOnsite,
					salary: offer.Salary{Min: 30000, Max: 36000}, startDays: 50, careerChangers: true, status: offer.StatusPublished,
					description: "Vous surveillez les alertes de nos clients, qualifiez les incidents et déclenchez les premières réponses en " +
						"suivant nos procédures. Travail en équipe, horaires postés (matin, après-midi, une nuit par quinzaine, primes en sus).\n" +
						"Une expérience en industrie, en logistique ou dans la sécurité des personnes est un vrai atout : vous savez appliquer une procédure sous pression.",
					skills: []skillReq{must(tag("linux"), 2), must(tag("tcp-ip"), 2), mustLearn(tag("siem"), 1), must(tag("network-security"), 1),
						niceLearn(tag("incident-response"), 1), nice(tag("english"), 2)},
				},
				{
					title: "Stage assistant·e conformité RGPD et ISO 27001 (H/F)", rome: "M1812", contract: contract.Stage, remote: offer.RemoteHybrid,
					salary: offer.Salary{Min: 7920, Max: 7920}, startDays: 100, careerChangers: true, status: offer.StatusPublished,
					description: "Stage de six mois aux côtés de notre RSSI : cartographie des traitements, mise à jour du registre RGPD, " +
						"préparation de l'audit de certification ISO 27001. Idéal en fin de formation en cybersécurité ou en droit du numérique.",
					skills: []skillReq{must(tag("rgpd"), 2), mustLearn(tag("iso-27001"), 1), nice(tag("security-risk"), 1), nice(tag("excel"), 2)},
				},
			},
		},
		{
			name: "Océane Mutuelle", siren8: "77564309", insee: "44026", city: "Carquefou",
			sector: "Assurance et mutuelle (direction des systèmes d'information)", size: offer.Size250AndUp,
			website: "https://oceane-mutuelle.example",
			description: "Mutuelle régionale de 900 salariés, Océane Mutuelle protège 400 000 adhérents. Sa DSI de 80 personnes, basée à " +
				"Carquefou, fait tourner les outils des agences, le site adhérents et les échanges avec l'Assurance maladie. " +
				"Signataire de la charte de la diversité, elle recrute chaque année des personnes en reconversion.",
			owner: person{"Anne-Sophie Hamon", "annesophie.hamon@passerelle.test"},
			offers: []offerSpec{
				{
					title: "Technicien·ne support informatique N1/N2 (H/F)", rome: "M1874", contract: contract.CDI, remote: offer.RemoteOnsite,
					salary: offer.Salary{Min: 26000, Max: 30000}, startDays: 35, careerChangers: true, status: offer.StatusPublished,
					description: "Vous êtes la voix de la DSI pour les 60 agences : prise d'appels, diagnostic, résolution à distance ou sur site, " +
						"suivi des tickets dans GLPI, préparation des postes de travail.\n" +
						"Le sens du service et la patience priment : un passé de vente, d'accueil ou de logistique vous a préparé·e à ce métier.",
					skills: []skillReq{must(tag("helpdesk"), 2), must(tag("windows"), 2), must(tag("customer-relations"), 2),
						mustLearn(tag("active-directory"), 1), niceLearn(tag("glpi"), 1), nice(tag("hardware-maintenance"), 2), nice(ogr("504812"), 1)},
				},
				{
					title: "Administrateur·rice systèmes Linux (H/F)", rome: "M1801", contract: contract.CDI, remote: offer.RemoteHybrid,
					salary: offer.Salary{Min: 37000, Max: 45000}, startDays: 80, careerChangers: true, status: offer.StatusPublished,
					description: "Au sein de l'équipe infrastructure, vous administrez 300 serveurs Linux, automatisez les déploiements avec Ansible " +
						"et participez au plan de reprise d'activité. Télétravail deux jours par semaine.",
					skills: []skillReq{must(tag("linux"), 3), must(tag("bash"), 2), mustLearn(tag("ansible"), 1), must(tag("virtualization"), 2),
						niceLearn(tag("backup"), 1), nice(tag("monitoring"), 1), nice(tag("docker"), 1)},
				},
				{
					title: "Scrum Master (H/F)", rome: "M1814", contract: contract.CDI, remote: offer.RemoteHybrid,
					salary: offer.Salary{Min: 40000, Max: 47000}, startDays: 120, careerChangers: true, status: offer.StatusPublished,
					description: "Vous accompagnez deux équipes produit (site adhérents, application mobile) : animation des rituels, " +
						"amélioration continue, lien avec les métiers. Une première expérience d'animation d'équipe ou de formation, " +
						"même hors informatique, compte beaucoup.",
					skills: []skillReq{must(tag("scrum"), 3), must(tag("agile"), 3), mustLearn(tag("jira"), 2), nice(tag("kanban"), 2),
						nice(tag("change-management"), 2), nice(tag("training-delivery"), 2)},
				},
			},
		},
		{
			name: "Studio Graslin", siren8: "90258137", insee: "44109", city: "Nantes",
			sector: "Design d'expérience et d'interfaces", size: offer.Size1to9,
			website: "https://studio-graslin.example",
			description: "Petit studio de design UX/UI du centre de Nantes : recherche utilisateur, conception d'interfaces accessibles et " +
				"systèmes de design pour des services publics et des start-up de la santé.",
			owner: person{"Élodie Caillaud", "elodie.caillaud@passerelle.test"},
			offers: []offerSpec{
				{
					title: "Designer UX/UI (H/F)", rome: "E1206", contract: contract.CDI, remote: offer.RemoteHybrid,
					salary: offer.Salary{Min: 34000, Max: 40000}, startDays: 65, careerChangers: true, status: offer.StatusPublished,
					description: "Vous menez des entretiens et des tests avec les usagers, concevez parcours et maquettes dans Figma et faites " +
						"vivre notre système de design. Votre expérience passée auprès du public (formation, accueil, soin) est une force : " +
						"comprendre les gens est la moitié du métier.",
					skills: []skillReq{must(tag("figma"), 2), must(tag("user-research"), 2), must(tag("ux-design"), 2), must(ogr("121035"), 2),
						nice(tag("ui-design"), 2), niceLearn(tag("accessibility"), 1), niceLearn(tag("design-system"), 1)},
				},
				{
					title: "Stage UX research (H/F)", rome: "E1206", contract: contract.Stage, remote: offer.RemoteOnsite,
					salary: offer.Salary{Min: 7920, Max: 7920}, startDays: 40, careerChangers: true, status: offer.StatusPublished,
					description: "Stage de quatre à six mois : préparation et conduite d'entretiens, synthèse des observations, ateliers de " +
						"co-conception avec une équipe de la Ville.",
					skills: []skillReq{must(tag("user-research"), 1), nice(tag("figma"), 1), niceLearn(tag("wireframing"), 1), nice(tag("miro"), 1)},
				},
			},
		},
	}
}

func adviserOrg() adviserOrgSpec {
	return adviserOrgSpec{
		name: "Maison de l'emploi Nantes-Erdre", kind: account.AdviserPublicEmployment, insee: "44109", city: "Nantes",
		owner:   person{"Sandrine Le Goff", "sandrine.legoff@passerelle.test"},
		members: []person{{"Karim Haddad", "karim.haddad@passerelle.test"}},
		about: []string{
			"conseillère en évolution professionnelle, Maison de l'emploi Nantes-Erdre (responsable)",
			"conseiller en insertion, Maison de l'emploi Nantes-Erdre",
		},
	}
}

func candidates() []candidateSpec {
	return []candidateSpec{
		{
			name: "Isabelle Fournier", email: "isabelle.fournier@passerelle.test",
			about:    "comptable pendant 15 ans, formation data analyst jusqu'au mois prochain ; suivie par Sandrine Le Goff",
			headline: "Comptable en reconversion vers l'analyse de données, formation data analyst en cours",
			insee:    "44143", city: "Rezé", mobilityKm: 25, remote: candidate.RemoteHybrid,
			contracts: []contract.Type{cdi, cdd}, availableDays: 40,
			skills: []held{experience(tag("excel"), 4), experience(ogr("101360"), 4), experience(ogr("118990"), 3), experience(tag("kpi"), 3),
				experience(tag("accounting-software"), 3), trained(tag("sql"), 2), trained(tag("power-bi"), 2), trained(tag("python"), 1),
				trained(ogr("300067"), 2), declared(tag("statistics"), 2)},
			trainings: []trainingSpec{{
				title: "Titre professionnel Data analyst (RNCP niveau 6)", provider: "Atlantique Formation Numérique",
				startDays: -190, endDays: 33, skills: []skill.Code{tag("sql"), tag("power-bi"), tag("python"), tag("data-viz"), ogr("300067")},
			}},
			former:    []formerSpec{{"M1203", 15}},
			languages: []candidate.Language{fr, enB1}, visibility: candidate.VisibilityVisible, consent: true,
			adviser: 0, validated: []skill.Code{tag("excel")},
		},
		{
			name: "Kévin Le Floch", email: "kevin.lefloch@passerelle.test",
			about:    "vendeur en épicerie pendant 6 ans, apprend le développement web ; suivi par Karim Haddad",
			headline: "Ancien vendeur, futur développeur web — titre pro DWWM en cours, cherche une alternance",
			insee:    "44162", city: "Saint-Herblain", mobilityKm: 20, remote: candidate.RemoteHybrid,
			contracts: []contract.Type{altern, cdi}, availableDays: 14,
			skills: []held{trained(tag("html"), 3), trained(tag("css"), 3), trained(tag("javascript"), 2), trained(tag("react"), 1),
				trained(tag("git"), 2), declared(tag("php"), 1), experience(tag("customer-relations"), 3), experience(ogr("300374"), 3)},
			trainings: []trainingSpec{{
				title: "Titre professionnel Développeur web et web mobile", provider: "La Fabrique du Code Nantes",
				startDays: -120, endDays: 125, skills: []skill.Code{tag("html"), tag("css"), tag("javascript"), tag("react"), tag("php"), tag("sql")},
			}},
			former:    []formerSpec{{"D1106", 6}, {"D1505", 2}},
			languages: []candidate.Language{fr, enA2}, visibility: candidate.VisibilityAnonymous, consent: true,
			adviser: 1,
		},
		{
			name: "Martine Guérin", email: "martine.guerin@passerelle.test",
			about:    "formatrice pendant 22 ans, 56 ans, se forme au design UX/UI",
			headline: "Formatrice d'adultes depuis 22 ans, je me forme au design UX : l'écoute des usagers est mon métier",
			insee:    "44109", city: "Nantes", mobilityKm: 15, remote: candidate.RemoteOK,
			contracts: []contract.Type{cdi, cdd, free}, availableDays: 95,
			skills: []held{experience(ogr("482619"), 4), experience(tag("training-delivery"), 4), experience(ogr("300417"), 3),
				trained(tag("user-research"), 2), trained(tag("figma"), 2), trained(tag("ux-design"), 2), trained(tag("wireframing"), 2),
				declared(tag("accessibility"), 2), experience(tag("powerpoint"), 3)},
			trainings: []trainingSpec{{
				title: "Designer UX/UI (titre RNCP niveau 6)", provider: "École de design Atlantique",
				startDays: -150, endDays: 88, skills: []skill.Code{tag("figma"), tag("user-research"), tag("ux-design"), tag("ui-design"), ogr("121035")},
			}},
			former:    []formerSpec{{"K2111", 22}},
			languages: []candidate.Language{fr, enB2}, visibility: candidate.VisibilityVisible, consent: true,
			adviser: -1,
		},
		{
			name: "Thierry Gautier", email: "thierry.gautier@passerelle.test",
			about:    "logisticien et chauffeur poids lourd pendant 12 ans, formation technicien systèmes et réseaux ; suivi par Sandrine Le Goff",
			headline: "Ex-logisticien, en formation TSSR : support, systèmes et réseaux",
			insee:    "44047", city: "Couëron", mobilityKm: 35, remote: candidate.RemoteOnsiteOnly,
			contracts: []contract.Type{cdi}, availableDays: 55,
			skills: []held{trained(tag("windows"), 2), trained(tag("helpdesk"), 2), trained(tag("linux"), 1), trained(tag("active-directory"), 1),
				trained(tag("tcp-ip"), 1), declared(tag("hardware-maintenance"), 3), experience(tag("customer-relations"), 2)},
			trainings: []trainingSpec{{
				title: "Titre professionnel Technicien supérieur systèmes et réseaux (TSSR)", provider: "Centre de formation Erdre Numérique",
				startDays: -200, endDays: 50, skills: []skill.Code{tag("windows-server"), tag("active-directory"), tag("linux"), tag("tcp-ip"), tag("virtualization"), tag("glpi")},
			}},
			former:    []formerSpec{{"N4101", 12}},
			languages: []candidate.Language{fr}, visibility: candidate.VisibilityVisible, consent: true,
			adviser: 0, validated: []skill.Code{tag("hardware-maintenance")},
		},
		{
			name: "Yanis Benyahia", email: "yanis.benyahia@passerelle.test",
			about:    "23 ans, BTS SIO en alternance terminé, cherche un premier CDI de développeur",
			headline: "Développeur PHP/Symfony junior, deux ans d'alternance en agence",
			insee:    "44109", city: "Nantes", mobilityKm: 30, remote: candidate.RemoteHybrid,
			contracts: []contract.Type{cdi},
			skills: []held{experience(tag("php"), 3), experience(tag("symfony"), 2), experience(tag("sql"), 2), experience(tag("javascript"), 2),
				experience(tag("git"), 2), trained(tag("html"), 3), trained(tag("css"), 2), declared(tag("docker"), 1)},
			trainings: []trainingSpec{{
				title: "BTS Services informatiques aux organisations, option SLAM (alternance)", provider: "Lycée polyvalent de l'Erdre",
				startDays: -790, endDays: -60, skills: []skill.Code{tag("php"), tag("sql"), tag("javascript"), tag("uml")},
			}},
			former:    []formerSpec{{"D1505", 1}},
			languages: []candidate.Language{fr, enB1}, visibility: candidate.VisibilityVisible, consent: true,
			adviser: -1,
		},
		{
			name: "Manon Rivière", email: "manon.riviere@passerelle.test",
			about:    "22 ans, licence pro data en alternance terminée",
			headline: "Analyste de données junior, licence pro en alternance dans une coopérative agricole",
			insee:    "44190", city: "Saint-Sébastien-sur-Loire", mobilityKm: 40, remote: candidate.RemoteOK,
			contracts: []contract.Type{cdi, cdd},
			skills: []held{experience(tag("python"), 2), experience(tag("pandas"), 2), experience(tag("sql"), 2), experience(tag("tableau"), 2),
				trained(tag("statistics"), 2), declared(tag("power-bi"), 1), experience(tag("excel"), 3)},
			trainings: []trainingSpec{{
				title: "Licence professionnelle Métiers de l'informatique : data (alternance)", provider: "Université de Nantes — IUT",
				startDays: -400, endDays: -45, skills: []skill.Code{tag("python"), tag("sql"), tag("statistics"), tag("data-viz")},
			}},
			languages:  []candidate.Language{fr, enB2},
			visibility: candidate.VisibilityAnonymous, consent: true, adviser: -1,
		},
		{
			name: "Sébastien Morel", email: "sebastien.morel@passerelle.test",
			about:    "conducteur de ligne en agroalimentaire pendant 10 ans, se forme à la cybersécurité ; suivi par Karim Haddad",
			headline: "Dix ans de procédures et de qualité en usine, en formation d'analyste cybersécurité",
			insee:    "44020", city: "Bouguenais", mobilityKm: 30, remote: candidate.RemoteOnsiteOnly,
			contracts: []contract.Type{cdi, cdd}, availableDays: 150,
			skills: []held{trained(tag("linux"), 2), trained(tag("tcp-ip"), 2), trained(tag("network-security"), 1), trained(tag("siem"), 1),
				experience(ogr("113245"), 3), experience(ogr("300446"), 3), declared(tag("english"), 2)},
			trainings: []trainingSpec{{
				title: "Analyste en cybersécurité (titre RNCP niveau 6)", provider: "Atlantique Formation Numérique",
				startDays: -60, endDays: 145, skills: []skill.Code{tag("linux"), tag("network-security"), tag("siem"), tag("incident-response"), tag("pentest")},
			}},
			former:    []formerSpec{{"H2102", 10}},
			languages: []candidate.Language{fr, enB1}, visibility: candidate.VisibilityAnonymous, consent: true,
			adviser: 1,
		},
		{
			name: "Chloé Besnard", email: "chloe.besnard@passerelle.test",
			about:    "secrétaire pendant 8 ans, prépare une certification Scrum Master ; suivie par Sandrine Le Goff",
			headline: "Assistante de direction en reconversion : coordination d'équipes agiles, certification Scrum Master",
			insee:    "44215", city: "Vertou", mobilityKm: 25, remote: candidate.RemoteHybrid,
			contracts: []contract.Type{cdi, cdd}, availableDays: 70,
			skills: []held{trained(tag("scrum"), 2), trained(tag("agile"), 2), trained(tag("jira"), 2), experience(tag("microsoft-365"), 4),
				experience(tag("notion"), 2), experience(tag("project-management"), 2), experience(ogr("120722"), 4)},
			trainings: []trainingSpec{{
				title: "Chef·fe de projet digital — parcours Scrum Master", provider: "Atlantique Formation Numérique",
				startDays: -30, endDays: 65, skills: []skill.Code{tag("scrum"), tag("agile"), tag("kanban"), tag("jira"), tag("user-stories")},
			}},
			former:    []formerSpec{{"M1607", 8}},
			languages: []candidate.Language{fr, enB2}, visibility: candidate.VisibilityVisible, consent: true,
			adviser: 0, validated: []skill.Code{tag("microsoft-365")},
		},
		{
			name: "Olivier Tessier", email: "olivier.tessier@passerelle.test",
			about:    "comptable, 51 ans, projet de consultant ERP encore confidentiel : profil masqué",
			headline: "Comptable, futur consultant fonctionnel ERP",
			insee:    "44114", city: "Orvault", mobilityKm: 50, remote: candidate.RemoteOK,
			contracts: []contract.Type{cdi}, availableDays: 210,
			skills: []held{experience(ogr("101360"), 4), experience(tag("sage"), 3), experience(tag("excel"), 3), trained(tag("odoo"), 1),
				trained(tag("erp"), 1)},
			trainings: []trainingSpec{{
				title: "Consultant·e fonctionnel·le ERP", provider: "CNAM Pays de la Loire",
				startDays: 20, endDays: 200, skills: []skill.Code{tag("odoo"), tag("sap"), tag("erp"), tag("requirements")},
			}},
			former:    []formerSpec{{"M1203", 24}},
			languages: []candidate.Language{fr, enA2}, visibility: candidate.VisibilityHidden, consent: false,
			adviser: -1,
		},
		{
			name: "Amina Diallo", email: "amina.diallo@passerelle.test",
			about:    "hôtesse de caisse pendant 5 ans, termine un bootcamp front-end React",
			headline: "Développeuse front-end React en fin de bootcamp, ancienne hôtesse de caisse",
			insee:    "44109", city: "Nantes", mobilityKm: 15, remote: candidate.RemoteOK,
			contracts: []contract.Type{cdi, cdd, altern}, availableDays: 28,
			skills: []held{trained(tag("javascript"), 2), trained(tag("react"), 2), trained(tag("html"), 3), trained(tag("css"), 3),
				trained(tag("typescript"), 1), trained(tag("git"), 2), declared(tag("figma"), 1), experience(tag("customer-relations"), 3)},
			trainings: []trainingSpec{{
				title: "Bootcamp Développeur·se front-end React", provider: "La Fabrique du Code Nantes",
				startDays: -95, endDays: 25, skills: []skill.Code{tag("javascript"), tag("react"), tag("typescript"), tag("unit-testing")},
			}},
			former:    []formerSpec{{"D1505", 5}},
			languages: []candidate.Language{fr, enB1, {Code: "wo", Level: candidate.LanguageNative}}, visibility: candidate.VisibilityVisible,
			consent: true, adviser: -1,
		},
		{
			name: "Lucas Perrin", email: "lucas.perrin@passerelle.test",
			about:    "20 ans, alternance de technicien support terminée",
			headline: "Technicien support en sortie d'alternance, disponible tout de suite",
			insee:    "44114", city: "Orvault", mobilityKm: 20, remote: candidate.RemoteOnsiteOnly,
			contracts: []contract.Type{cdi, cdd},
			skills: []held{experience(tag("helpdesk"), 2), experience(tag("windows"), 2), experience(tag("glpi"), 2),
				experience(tag("hardware-maintenance"), 2), experience(tag("active-directory"), 1), declared(tag("linux"), 1)},
			trainings: []trainingSpec{{
				title: "Titre professionnel Technicien d'assistance informatique (alternance)", provider: "Centre de formation Erdre Numérique",
				startDays: -380, endDays: -20, skills: []skill.Code{tag("helpdesk"), tag("windows"), tag("tcp-ip"), tag("glpi")},
			}},
			languages:  []candidate.Language{fr, enA2},
			visibility: candidate.VisibilityAnonymous, consent: true, adviser: -1,
		},
		{
			name: "Hélène Roux", email: "helene.roux@passerelle.test",
			about:    "vendeuse en épicerie fine pendant 18 ans, se forme au test logiciel",
			headline: "Rigoureuse et méthodique, je deviens testeuse logicielle après 18 ans dans le commerce",
			insee:    "44172", city: "Sainte-Luce-sur-Loire", mobilityKm: 20, remote: candidate.RemoteHybrid,
			contracts: []contract.Type{cdi, cdd, stage}, availableDays: 75,
			skills: []held{trained(tag("functional-testing"), 2), trained(tag("test-plan"), 2), trained(tag("jira"), 1), trained(tag("sql"), 1),
				declared(tag("istqb"), 1), experience(ogr("119508"), 3), experience(tag("customer-relations"), 4)},
			trainings: []trainingSpec{{
				title: "Testeur·euse logiciel — préparation ISTQB Foundation", provider: "Atlantique Formation Numérique",
				startDays: -50, endDays: 70, skills: []skill.Code{tag("functional-testing"), tag("test-plan"), tag("istqb"), tag("test-automation")},
			}},
			former:    []formerSpec{{"D1106", 18}},
			languages: []candidate.Language{fr}, visibility: candidate.VisibilityVisible, consent: true,
			adviser: -1,
		},
		{
			name: "Julien Lemaire", email: "julien.lemaire@passerelle.test",
			about:    "conducteur de ligne pendant 9 ans, formation administrateur systèmes DevOps",
			headline: "De la ligne de production aux pipelines : en formation administrateur systèmes DevOps",
			insee:    "44035", city: "La Chapelle-sur-Erdre", mobilityKm: 30, remote: candidate.RemoteHybrid,
			contracts: []contract.Type{cdi}, availableDays: 105,
			skills: []held{trained(tag("linux"), 2), trained(tag("docker"), 2), trained(tag("bash"), 2), trained(tag("git"), 2),
				trained(tag("ansible"), 1), trained(tag("aws"), 1), experience(ogr("489519"), 3)},
			trainings: []trainingSpec{{
				title: "Titre professionnel Administrateur système DevOps", provider: "Centre de formation Erdre Numérique",
				startDays: -110, endDays: 100, skills: []skill.Code{tag("linux"), tag("docker"), tag("ansible"), tag("ci-cd"), tag("aws"), tag("kubernetes")},
			}},
			former:    []formerSpec{{"H2102", 9}},
			languages: []candidate.Language{fr, enB1}, visibility: candidate.VisibilityVisible, consent: true,
			adviser: -1,
		},
	}
}

// The workflow of the demo: what happened once matches existed. People are
// named by their e-mail address and offers by their title (unique in the
// world); every step is done by the person named, through the services.

type workflowSpec struct {
	// consents are the candidates who let the advisers of their caseload
	// apply on their behalf.
	consents     []string
	endorsements []endorsementSpec
	applications []applicationSpec
	invitations  []invitationSpec
}

// endorsementSpec is an adviser's endorsement of a caseload candidate's
// match, shown to the offer's company as "recommended by an adviser". The
// note names nobody: the company reads it beside an anonymous candidate.
type endorsementSpec struct {
	adviser, candidate, offer, note string
}

type applicationSpec struct {
	candidate, offer, message string
	// adviser applies on the candidate's behalf when set (the candidate
	// consented: see workflowSpec.consents).
	adviser string
	// moves are the changes of status that followed, in order.
	moves []moveSpec
}

type moveSpec struct {
	by     string // a recruiter of the offer's company, or the candidate for a withdrawal
	to     application.Status
	reason application.RejectReason
	note   string
}

// invitationSpec is a recruiter's invitation to apply, sent to a candidate
// of the offer's anonymous list, who has not answered yet.
type invitationSpec struct {
	recruiter, candidate, offer, message string
}

const (
	isabelle  = "isabelle.fournier@passerelle.test"
	manon     = "manon.riviere@passerelle.test"
	kevin     = "kevin.lefloch@passerelle.test"
	yanis     = "yanis.benyahia@passerelle.test"
	sebastien = "sebastien.morel@passerelle.test"
	lucas     = "lucas.perrin@passerelle.test"
	thierry   = "thierry.gautier@passerelle.test"
	chloe     = "chloe.besnard@passerelle.test"
	amina     = "amina.diallo@passerelle.test"
	claire    = "claire.moreau@passerelle.test"
	julien    = "julien.marchand@passerelle.test"
	sophie    = "sophie.nguyen@passerelle.test"
	marc      = "marc.legall@passerelle.test"
	sandrine  = "sandrine.legoff@passerelle.test"

	dataAnalyst  = "Data analyst junior (H/F)"
	webAlternant = "Développeur·se web en alternance (H/F)"
	fullStack    = "Développeur·se web full stack JavaScript (H/F)"
	goBackend    = "Développeur·se back-end Go (H/F)"
	socAnalyst   = "Analyste SOC niveau 1 (H/F)"
	support      = "Technicien·ne support informatique N1/N2 (H/F)"
	scrumMaster  = "Scrum Master (H/F)"
)

func workflow() workflowSpec {
	return workflowSpec{
		consents: []string{thierry},
		endorsements: []endorsementSpec{
			{adviser: sandrine, candidate: isabelle, offer: dataAnalyst,
				note: "Je suis cette personne depuis le début de sa reconversion : quinze ans de comptabilité, une vraie culture des " +
					"chiffres et des clients. Son projet de fin de formation (un tableau de bord de trésorerie sous Power BI) est solide."},
			{adviser: sandrine, candidate: chloe, offer: scrumMaster,
				note: "Huit ans à organiser les réunions et le planning d'une équipe de quinze personnes, avec beaucoup de tact. " +
					"Certification Scrum Master prévue le mois prochain : je recommande sans réserve."},
		},
		applications: []applicationSpec{
			{candidate: isabelle, offer: dataAnalyst,
				message: "Bonjour,\nComptable pendant quinze ans, je termine le mois prochain une formation de data analyst. " +
					"Construire des tableaux de bord avec des clients de PME, c'est exactement ce que je veux faire. " +
					"Je serais ravie d'en parler avec vous.\nIsabelle Fournier",
				moves: []moveSpec{
					{by: claire, to: application.StatusInReview},
					{by: claire, to: application.StatusInterview,
						note: "Entretien jeudi à 10 h dans nos locaux de l'île de Nantes, avec Claire Moreau et un consultant senior. " +
							"Prévoir 20 minutes pour présenter votre projet de fin de formation."},
				}},
			{candidate: manon, offer: dataAnalyst,
				message: "Bonjour, je sors d'une licence pro data en alternance dans une coopérative agricole (Python, SQL, Tableau). " +
					"Je me forme à Power BI et votre poste m'intéresse beaucoup."},
			{candidate: kevin, offer: webAlternant,
				message: "Bonjour, ancien vendeur, je prépare le titre de développeur web et web mobile et je cherche une alternance " +
					"pour la rentrée. Le contact avec les clients ne me fait pas peur !",
				moves: []moveSpec{{by: sophie, to: application.StatusInReview}}},
			{candidate: yanis, offer: goBackend,
				message: "Bonjour, développeur PHP/Symfony après deux ans d'alternance, j'apprends Go sur mon temps libre et " +
					"j'aimerais en faire mon métier.",
				moves: []moveSpec{{by: julien, to: application.StatusRejected, reason: application.ReasonSkillsMismatch,
					note: "Merci pour votre candidature. Ce poste demande plusieurs années de Go en production et des astreintes. " +
						"Votre profil PHP/Symfony nous intéresse pour nos prochains recrutements : n'hésitez pas à postuler à nouveau."}}},
			{candidate: sebastien, offer: socAnalyst,
				message: "Bonjour, conducteur de ligne pendant dix ans, je me forme à la cybersécurité. Appliquer une procédure " +
					"sous pression, je l'ai fait tous les jours en usine.",
				moves: []moveSpec{
					{by: marc, to: application.StatusInReview},
					{by: marc, to: application.StatusInterview,
						note: "Entretien au SOC à Rezé mardi à 14 h, suivi d'une heure d'observation avec l'équipe de jour."},
				}},
			{candidate: lucas, offer: support,
				message: "Bonjour, je termine une alternance de technicien support et je cherche un CDI.",
				moves: []moveSpec{{by: lucas, to: application.StatusWithdrawn,
					note: "J'ai accepté un CDI près de chez moi. Merci et bonne continuation !"}}},
			{candidate: thierry, offer: support, adviser: sandrine,
				message: "Candidature déposée par Sandrine Le Goff (Maison de l'emploi Nantes-Erdre) avec l'accord de Thierry Gautier. " +
					"Ancien logisticien, Thierry termine sa formation TSSR et a fait un stage remarqué au support d'une mairie."},
		},
		invitations: []invitationSpec{
			{recruiter: julien, candidate: amina, offer: fullStack,
				message: "Bonjour, votre profil React correspond bien à notre équipe : nous serions heureux de recevoir votre candidature."},
		},
	}
}
