"""The triage tables: patterns with a category, run on normalized text (see bot.triage).

Triage is rules as data, never fuzzy matching. A STRONG rule flags the message whatever else it
says. A GUARDED rule flags it unless a guard shows the danger is past, hypothetical, practice,
a figure of speech or a joke. CUES add up per category: danger words (weight 1 or more) also
take the URGENCY of the message (right now, help, just happened, scared; or a second kind of
danger at once), and a category reaching CUE_THRESHOLD is flagged: "a knife" alone is not an
emergency, "a knife, help" is; a goodbye alone is not, a goodbye and a friend who stopped
answering is. SETTINGS (a drill, a lesson, a game) and FICTION cancel everything but
self-harm. NOT_NOW and SELF_HARM_TOPICS remove what is said to be absent or only a subject.
The knowledge base cannot switch any of this off.
"""

from __future__ import annotations

SELF_HARM = "self-harm"
WEAPON = "weapon"
VIOLENCE = "violence"
MEDICAL = "medical"
THREAT = "threat"
IN_PROGRESS = "crime-in-progress"
FOLLOWED = "followed"
FIRE = "fire"
MISSING = "missing"
HAZARD = "hazard"

WEAPONS = (
    r"(gun|guns|handgun|pistol|rifle|shotgun|firearm|knife|knives|blade|machete|weapon|"
    r"bat|bomb|explosive|box ?cutter|razor|taser|brass knuckles|bear spray|switchblade|hatchet|"
    r"glock|strap|strapped|blicky|shank|shanked|couteau|arme|fusil|pistolet)"
)
ME_OR_OTHERS = r"(me|him|her|them|us|you|everyone|everybody|people|someone|somebody|one of|my \w+|our \w+|the \w+|his \w+|her \w+)"

# Each entry: (category, pattern). Patterns run on normalize(text).
# fmt: off
STRONG = [
    (SELF_HARM, r"\b(kill|hurt|harm|cut|cutting|hang|hanging|shoot|stab) ?(my ?self|him ?self|her ?self|them ?selves)\b"),
    (SELF_HARM, r"\b(suicide|suicidal|me suicider|suicider|kms|unaliv(e|ing) (myself|me))\b"),
    (SELF_HARM, r"\b(want|wants|wanted|plan|planning|ready) to die\b"),
    (SELF_HARM, r"\b(do not|dont) want to (be here|live|be alive|wake up|exist)\b"),
    (SELF_HARM, r"\b(end|ending) (it|it all|my life|things) (tonight|today|now|right now|soon)\b"),
    (SELF_HARM, r"\bgoing to end (it|it all|my life)\b"),
    (SELF_HARM, r"\b(end it all|end my life|kill me now please|ways? to (die|end it))\b"),
    (SELF_HARM, r"\b(cut|cutting) ((way |really |so )?too deep|again|my (arm|arms|wrist|wrists|leg|legs))\b|\bwent too deep\b"),
    (SELF_HARM, r"\b(goodbye|bye) .{0,40}\b(sorry for everything|forever|love you all|take care of)\b"),
    (SELF_HARM, r"\b(suicide note|goodbye note|goodbye letter|wont be around (much longer|anymore))\b"),
    (SELF_HARM, r"\b(standing|sitting|on) (on )?(the|a) (overpass|bridge|roof|ledge|edge|train tracks|tracks)\b.{0,80}\b(can not|cant|do this|anymore|jump)\b"),
    (SELF_HARM, r"\b(plus|pas) (envie|le gout) de vivre\b|\benvie de mourir\b|\bveux plus vivre\b"),
    (SELF_HARM, r"\b(will not|wont|not going to|dont think i will|do not think i will) be (around|here|alive) (after|tomorrow|much longer|anymore|by)\b"),
    (SELF_HARM, r"\b(gave|giving|give) (all )?(my|away my) (stuff|things|stuff away|things away)\b"),
    (SELF_HARM, r"\b(disappear|vanish) (for good|forever)\b|\bdisparaitre (pour de bon|pour toujours)\b"),
    (SELF_HARM, r"\bwant (it all|everything|it|the pain|this|life) to (stop|end)\b"),
    (SELF_HARM, r"\b(been|keep|started|still|am|im) cutting( myself)?\b|\bcutting (myself|again)\b|\bself ?harm(ing)?\b"),
    (SELF_HARM, r"\b(no one|nobody) would (even )?(care|notice|miss me)\b|\bno point (in )?(living|being alive)\b"),
    (SELF_HARM, r"\b(sleep|go to sleep) and never wake up\b|\bnever wake up again\b"),
    (SELF_HARM, r"\bj en peux (plus|pu|pus)\b.{0,60}\b(ce soir|disparaitre|mourir|finir|pilules)\b"),
    (SELF_HARM, r"\b(how much longer i can|can not keep going|cant keep going|tonight feels different)\b"),
    (WEAPON, r"\b(pulled|pulling|took|taken|whipped|pointing|pointed|waving|flashing) (out )?(a|an|his|her|their|the) " + WEAPONS),
    (SELF_HARM, r"\b(no reason to live|better off dead|better off without me|take my (own )?life)\b"),
    (SELF_HARM, r"\b(took|swallowed|taken|overdosed on) .{0,30}\b(pills|tablets|meds|medication|tylenol|advil|aspirin|acetaminophen|ibuprofen|sleeping pills)\b"),
    (SELF_HARM, r"\b(il|elle|mon ami|mon amie) (va|veut|vont) se (tuer|suicider|faire du mal)\b|\b(plus|pus|pu|pas) de raison de (vivre|rester)\b|\bby the time (anyone|you|u|they) reads? this\b"),
    (MISSING, r"\b(never|has not|hasnt|have not) (come|came) home\b|\bstill not home\b"),
    (MEDICAL, r"\b(can not|cant|could not|couldnt) wake (him|her|them|my \w+)( up)?\b|\bslurring (his|her|their) words\b|\b(face|mouth) is (droopy|drooping)\b"),
    (SELF_HARM, r"\b(je|j) (veux|vais|voudrais|veut) (mourir|me tuer|en finir|me suicider|me faire du mal)\b"),
    (SELF_HARM, r"\b(en finir avec (la vie|tout)|me faire du mal)\b"),
    (SELF_HARM, r"\b(rather|prefer to) (die|be dead)\b|\bwish (i was|i were|i am) (dead|never born)\b"),
    (SELF_HARM, r"\b(better|easier) (for everyone|off) if (i am|im|i was|i were) (gone|dead|not here|not around)\b|\bmieux sans moi\b"),
    (SELF_HARM, r"\b(notice|care|miss me|matter) if (i was not|i wasnt|i were not|i am not|i was gone|i was dead|i disappeared)\b"),
    (SELF_HARM, r"\bmake (the|this|my|it) (pain|hurt|hurting)? ?(all )?stop( for good)?\b.{0,40}\b(for good|forever|me)\b|\bpain stop for good\b"),
    (SELF_HARM, r"\bdone with (life|living)\b"),
    (WEAPON, r"\b(gun ?shots?|shots (fired|being fired)|active shooter|someone is shooting|shooting (right now|at us|at people))\b"),
    (WEAPON, r"\b(pulled|pulling|pointing|pointed|waving|holding|swinging) (a|his|her|their|the) " + WEAPONS),
    (WEAPON, r"\b(coups de feu|tire sur|tirer sur)\b"),
    (VIOLENCE, r"\b(just|has been|have been|got|been) (stabbed|shot)\b(?! down)"),
    (MEDICAL, r"\b(not|is not|isnt|stopped|can not|cant|will not) (breathing|breathe|moving|wake up|waking up|responding)\b"),
    (MEDICAL, r"\b(unconscious|unresponsive|passed out|collapsed|seizure|overdose|overdosing|od ing|lips (are )?(going |turning )?blue)\b"),
    (MEDICAL, r"\b(bleeding (really |so )?(bad|badly|a lot|everywhere)|(lot|lots|so much) of blood|so much blood)\b"),
    (MEDICAL, r"\b(surdose|repond (plus|pas)|respire (presque |quasiment |a peine )?(pas|plus|pu|pus)|inconscient|saigne beaucoup)\b"),
    (MEDICAL, r"\b(foaming at the mouth|can not feel my (legs|arms|face|body))\b"),
]

GUARDED = [
    (SELF_HARM, r"\b(?<!literally )(going|about) to die\b"),
    (VIOLENCE, r"\ba l aide\b(?! de| d)"),
    (WEAPON, r"\b(not|is not|isnt|its not) a drill\b|\b(real|actual) lockdown (right now|now|happening)\b|\bin (a )?lockdown (right now|rn)\b"),
    (WEAPON, r"\b(has|have|had|with|got|brought|bringing|carrying|carries|hiding|concealing|showing|showed) ((me|us) )?(a|an|his|her|their|some|\d+) " + WEAPONS),
    (WEAPON, r"\b(avec|a) (un|une|des) (couteau|arme|fusil|pistolet)\b"),
    (WEAPON, r"\b(shooter|gunman|sniper|shooting (at|in))\b"),
    (THREAT, r"\b(going to|will|gonna) (shoot|stab|bomb|blow up|shoot up|attack|run over|drive into) " + ME_OR_OTHERS + r"?\b"),
    (THREAT, r"\b(shoot up|blow up|bomb) (the|our|my|this) (school|class|gym|building)\b"),
    (THREAT, r"\b(going to|will) (kill|murder|hurt|jump|beat up|get) " + ME_OR_OTHERS + r"\b"),
    (THREAT, r"\b(is|be|will be) waiting for me\b"),
    (WEAPON, r"\b(we are|were|im|i am|they are|she is|he is|everyone is) hiding (in|under|behind)\b"),
    (THREAT, r"\b(going to|will) use (it|the knife|the gun|a knife|a gun) on\b"),
    (THREAT, r"\b(threatening|threatened) (to kill|to hurt|to shoot|me with)\b"),
    (VIOLENCE, r"\b(is|are|keeps|keep) (beating|punching|kicking|hitting|attacking|choking|strangling|stabbing) ?(up)?\b"),
    (VIOLENCE, r"\bjust (hit|punched|kicked|attacked|assaulted|beat|choked|grabbed|stabbed) (me|him|her|my)\b"),
    (VIOLENCE, r"\b(fighting|fight|brawl) .{0,40}\b(right now|is not moving|bleeding|hurt bad)\b"),
    (VIOLENCE, r"\b(being|getting) (beaten|beat up|jumped|attacked|stabbed|assaulted)\b"),
    (IN_PROGRESS, r"\b(is|are) (smashing|breaking into|breaking in|stealing|robbing|vandalizing|setting fire)\b"),
    (IN_PROGRESS, r"\b(break in|breaking in|robbery|someone in my house|intruder)\b.{0,40}\b(right now|now)\b"),
    (FOLLOWED, r"\b(following|followed|stalking|chasing|watching) me\b.{0,60}\b(still|right now|now|behind me)\b"),
    (FOLLOWED, r"\b(is|are|has been|have been|keeps) (still )?(following|stalking|chasing) me\b"),
    (FOLLOWED, r"\b(outside|at) (my|our) (house|home|door|window|school|class)\b.{0,30}\b(right now|now)\b"),
    (FOLLOWED, r"\b(still there|still here|still behind me|still outside)\b"),
    (FIRE, r"\b(fire in|on fire|is burning|smoke (is )?(coming|everywhere|pouring)|building is burning|feu)\b"),
    (FIRE, r"\bspreading (to|toward|towards)\b|\bfumee (qui sort|partout)\b|\b(de la|plein de) fumee\b|\bflames? (coming|everywhere|shooting|on)\b|\b(grass|brush|house|kitchen|car|forest|garage) fire\b|\bfire (is )?(spreading|getting bigger)\b"),
    (FOLLOWED, r"\b(being|getting) (followed|stalked|chased)\b"),
    (VIOLENCE, r"\b(au secours|somebody help|someone help|please help us)\b"),
]

# Any of these cancels a GUARDED rule: the danger is past, hypothetical, a drill or a joke.
GUARDS = [
    r"\b(last (week|month|year|night|term|semester|summer)|weeks? ago|months? ago|years? ago|back in|long gone|overnight)\b",
    r"\bwhen i was (a kid|little|younger|small|\d+|in grade)\b",
    r"\b(yesterday|in (january|february|march|april|may|june|july|august|september|october|november|december))\b",
    r"\b(if there (was|were|is) (ever )?|what if|in case|hypothetically|what (should|do) (we|i|you) do (if|when|during)|what happens (if|when|during)|what (are|is) (we|you|i|students) (supposed|meant|told) to do)\b",
    r"\b(pratique|exercice) (de|d) (feu|incendie|confinement|evacuation)\b",
    r"\b(a|the|just|only|for|it is|its|was) practi[cs]e\b|\bpracti[cs]e (lockdown|drill|run|evacuation|alarm)s?\b",
    r"(?<!not )(?<!no )\b(lol+|lmao+|haha+|jk|kidding|as a joke|joking|joked|joke|set the world on fire)\b",
    r"\bif (someone|somebody|anyone|a kid|a student|a person) (brings|brought|has|had|were|was|did|pulled)\b",
    r"\b(mom|mum|dad|mother|father|parents|sister|brother|teacher|coach|grandma|friend|bff|bestie|mere|pere|soeur|frere)( \w+){0,6} (kill|murder|tuer) me\b",
    r"\b(mere|pere|soeur|frere|prof)( \w+){0,3} (va|vont) me tuer\b",
    r"\b(we are|were|im|i am|they are) hiding in .{0,30}\b(drill|practice)\b",
    r"\b(get|be|getting) in trouble (for|if)\b",
    r"\b(is it (a crime|illegal|against the law)|is that (a crime|illegal))\b",
    r"\b(fire alarm|fire drill|fired from|fire hall|firefighter)\b",
]

# A setting that is not real danger (a drill, a lesson, a game): cancels GUARDED rules and cues
# of every kind but self-harm (a teen giving away a game console is still a warning sign).
SETTINGS = r"\b(documentary|(in|for) (health|science|social|social studies|psych|psychology|history|english|law|cals) class)\b|(?<!not a )\b(drill|drills|presentation|talk about|talk to .{0,20} about|lesson|movie|game|video game|fortnite|story for)\b"

# Said to be absent or over: removed before the rules run, like SELF_HARM_TOPICS below.
NOT_NOW = r"\b(is it|would it be|what is|whats|signs of) (an )?overdose\b|\b(died|dead) (of|from) (an )?overdose\b|\bused to (think|thinking) (about|of) (suicide|killing myself|self harm|dying)\b|\b(procedure|protocol|protocole|policy|politique) (si|quand|lorsqu|for|when|if)\b.{0,60}\b(suicide|self harm)\b|\b(going to|will) (kill|murder) my (brother|sister|mom|mum|dad|parents|friend|bff|bestie|cousin)\b|\b(my|our) (dog|cat|pet|puppy|kitten|bird|hamster|bunny) (ran away|is missing|got out|went missing)\b|\b(are not|arent|is not|isnt) (there|here|around) (right now|now)\b|\bnot (in )?danger right now\b|\b(nobody|no one) (is|was|got) (hurt|injured)\b"

# Talking about self-harm as a subject (an essay, prevention week) is not self-harm: removed first.
SELF_HARM_TOPICS = r"\b(die|dying|died) (of|from) (embarrassment|boredom|laughter|laughing|cringe|shame|thirst|hunger)\b|\b(suicide|self harm) (prevention|awareness|statistics|stats|hotline|research)\b|\b(essay|project|presentation|assignment|report) (on|about) (suicide|self harm)\b|\bused to (self harm|cut|cutting)\b|\bdiscloses? (self harm|suicid\w*)\b|\bdifference between (self harm|suicide)( and (self harm|suicide))?\b|\b(prevention|sensibilisation) (du|au) suicide\b|\b(presentation|projet|travail) sur (le suicide|la prevention( du suicide)?)\b"

# Fiction and reporting: cancels every rule but self-harm.
FICTION = r"\b(in (fortnite|minecraft|roblox|valorant|apex|gta|cod|call of duty|the game|a game|my game|the movie|a movie|the show)|on the news|in the news|in the states|in the us|essay|book report|for a project|for class)\b"

# Cues: (category, weight, pattern). Weights in one category add up; CUE_THRESHOLD flags.
CUE_THRESHOLD = 2.0
CUES = [
    # self-harm, indirect
    (SELF_HARM, 2, r"\b(ending|end) it( all)?\b"),
    (SELF_HARM, 2, r"\b(pills|meds|pilules) .{0,20}\b(saved|stashed|hoarded|hidden)\b|\btak(e|ing) them all\b|\btoutes les pilules\b"),
    (SELF_HARM, 2, r"\b(no one|nobody|personne) (will|would|is going to|va) (even )?(miss|care|notice|manquer)\b"),
    (SELF_HARM, 2, r"\b(nobody|no one) (has|will have) to deal with me\b|\bbetter off without me\b|\bim (just )?a burden\b"),
    (SELF_HARM, 2, r"\b(tired|sick|tanne|tannee|fatigue|fatiguee|ecoeure|ecoeuree) (of|de) (living|vivre|being alive)\b"),
    (SELF_HARM, 2, r"\b(veux|veut|voudrais) (pu|plus|pus|pas) (etre la|vivre|exister)\b"),
    (SELF_HARM, 2, r"\b(do not|dont|dont really) think (i will|ill|i ll) be (around|here|alive)\b|\bnot (be )?around (much longer|for long)\b"),
    (SELF_HARM, 2, r"\b(was not|wasnt|is not|isnt|not) (their|his|her|your) fault\b|\bpas (de )?(leur|sa|ta) faute\b"),
    (SELF_HARM, 2, r"\bstanding on (the|a) (bridge|roof|ledge|overpass|parkade|edge|tracks)\b"),
    (SELF_HARM, 1, r"\b(gave|giving|give|donne|donner) .{0,40}\b(everything|all my|toutes mes|tout)\b"),
    (SELF_HARM, 1, r"\b(will not|wont) need (it|them|any of it)\b"),
    (SELF_HARM, 1, r"\b(goodbye|good bye|bye everyone|nice knowing (you|u)|it was nice knowing|adieu)\b"),
    (SELF_HARM, 1, r"\b(not|is not|isnt|wont|will not) (answering|responding|picking up|answer)\b|\brepond (pas|plus|pu)\b"),
    (SELF_HARM, 1, r"\btell .{0,20}\b(i am|im) sorry\b|\bsorry .{0,15}\blove (you|u)\b|\bsorry for everything\b"),
    (SELF_HARM, 1, r"\b(wrote|writing|written|ecrit) .{0,10}\b(letters?|notes?|lettres?)\b|\bdeleted (all )?my (accounts|socials)\b"),
    (SELF_HARM, 1, r"\b(have|has|got|bought) a (rope|plan)\b|\brope in\b"),
    (SELF_HARM, 1, r"\bknows? what (he is|hes|she is|shes|i am|im) going to do\b"),
    (SELF_HARM, 1, r"\b(jump|jumping) (off|from)\b"),
    (SELF_HARM, 1, r"\b(bridge|roof|parkade|overpass|ledge|cliff)\b"),
    (SELF_HARM, 1, r"\bwould it (be quick|hurt)\b|\b(painless|quickest|fastest) way\b"),
    (SELF_HARM, 1, r"\b(can not|cant) (do this|go on|take (it|this)) anymore\b|\bj en peux (plus|pu|pus)\b"),
    (SELF_HARM, 1, r"\b(i am|im) done with (everything|it all|all of this)\b|\b(i am|im) so done\b"),
    (SELF_HARM, 1, r"\b(wrote|written|writing) (letters?|notes?) to (my|everyone)\b"),
    (SELF_HARM, 0.5, r"\bthanks for everything\b"),
    (SELF_HARM, 0.5, r"\bbye\b"),
    (SELF_HARM, 0.5, r"\b(tonight|ce soir|a soir)\b"),
    # weapons seen now
    (WEAPON, 1, r"\b" + WEAPONS + r"\b"),
    (WEAPON, 0.5, r"\b(flashed|flashing|showed|pulled|pointed|swung|waving|at me|on (another|me|him|her|us))\b"),
    (WEAPON, 0.5, r"\b(waistband|in (his|her|their|a) (pocket|backpack|bag|hoodie|locker))\b"),
    (WEAPON, 0.5, r"\b(right now|just|still|at lunch|wait til|after school|hold and secure|lockdown|hiding)\b"),
    # violence happening
    (VIOLENCE, 2, r"\b(stomping|stomped|kicking|punching|beating|jumping|choking|attacking) (on )?(his|her|my|a|the|him|them)\b"),
    (VIOLENCE, 2, r"\ben train de (frapper|battre|tabasser)\b"),
    (VIOLENCE, 0.5, r"\b(send (the )?police|please help|help us|j ai peur|i am scared)\b"),
    (VIOLENCE, 0.5, r"\b(right now|happening)\b"),
    # medical now
    (MEDICAL, 2, r"\b(barely breathing|turning blue|is blue|like blue|cant stand up|can not stand up|throwing up and shaking|heart is racing|heart racing)\b"),
    (MEDICAL, 2, r"\brespire (pas|plus|pu)\b|\b(fent|fentanyl)\b"),
    (MEDICAL, 1, r"\b(ate|took|swallowed|did|smoked|vaped) .{0,25}\b(pills|fent|fentanyl|something|drugs)\b|\bpris quelque chose\b"),
    (MEDICAL, 1, r"\b(shaking|confused|throwing up|vomiting|wont wake|passed out|blue)\b"),
    # threats to attack
    (THREAT, 2, r"\bbring(ing|s)? .{0,20}\b(gun|guns|rifle|weapon|knife|bomb)\b.{0,40}\b(tomorrow|friday|monday|tuesday|wednesday|thursday|pay|everyone|school)\b"),
    (THREAT, 2, r"\b(do not|dont) come to school\b|\bplans? to (kill|shoot|hurt|attack)\b|\b(kill|hit) list\b|\beveryone will pay\b"),
    (THREAT, 2, r"\bwaiting .{0,30}\bto (jump|beat|fight|hurt|kill|get) me\b|\bfaire sauter\b"),
    # crime in progress
    (IN_PROGRESS, 2, r"\btrying to (open|get in|get into|break into|break in|pry) (our|my|the)\b"),
    (IN_PROGRESS, 2, r"\btrying to get (kids|children|me|us|students|girls|a kid) (into|in) (his|a|the|her) (van|car|truck)\b"),
    (IN_PROGRESS, 2, r"\b(someone|somebody|a man|a guy) is in (our|my) (house|home|apartment)\b|\bheard (glass|a window) break\w*\b"),
    # someone missing
    (MISSING, 2, r"\b(did not|didnt|has not|hasnt|never) (come|came|made it|gotten|got) home\b|\b(is|has been|went) missing\b|\b(can not|cant) find (my|our) (son|daughter|child|kid|brother|sister)\b"),
    (MISSING, 0.5, r"\b(phone is off|not answering|no answer|hours)\b"),
    # threats in the building
    (THREAT, 0.5, r"\b(still in the building|still here|still there|in the front office|shouting|yelling|screaming)\b"),
    # followed now
    (FOLLOWED, 2, r"\b(driving|drove|been driving) (slow|slowly|real slow) (next to|beside|behind|alongside) me\b|\bqui me suit\b|\bme suit depuis\b"),
    # danger words that need a sign of "now" (URGENCY) to reach the threshold
    (WEAPON, 1, r"\b(flashed|flashing|pulled) (it|a piece)\b|\b(has|got) a piece\b"),
    (VIOLENCE, 1, r"\b(beating|beat|beaten|beating on|jumping|jumped|attacking|attacked|punching|stomping|choking|strangling|grabbed|grabbing) (up )?(on )?(a|the|my|our|his|her|him|them|me|us|this|some)\b"),
    (VIOLENCE, 1, r"\bdragg(ing|ed) (a|the|my|our|his|her|him|them|some)\b.{0,25}\b(to|toward|towards|into|across|down|out|by)\b|\bby (her|his|their) hair\b"),
    (VIOLENCE, 1, r"\b(fight|fighting|brawl|bataille|se battent|se bat|frappe|frappent|frapper|tabasse|tabasser)\b"),
    (MEDICAL, 1.5, r"\b(not getting up|will not get up|hit by a (car|truck|bus|vehicle)|having trouble breathing|can not breathe|cant breathe|ne respire)\b"),
    (MEDICAL, 1, r"\b(a|as) pris (des|trop de|plein de|toutes? (les|ses)) (pilules|pills|drogues?|medicaments)\b"),
    (MEDICAL, 1, r"\b(bleeding|blood|saigne|sang|fainted|faint|hit (his|her|their|my) head|lying (on|in) the (road|ground|street|floor)|allergic reaction|epi ?pen|anaphyla\w*|broken (arm|leg|neck)|hurt (bad|badly|really bad)|(?<!nobody )(?<!no one )(is|got|been) (hurt|injured)|blesse|does not know where (he|she|they) (is|are)|se reveille (pas|plus))\b"),
    (THREAT, 1.5, r"\b(bomb threat|threat\b.{0,30}\b(our|the|my|this) school|(stab|shoot|kill|hurt|get) (everyone|every one|everybody|all of us)|come back (and|to) (stab|shoot|kill|hurt|get)|menace (de bombe|contre l ecole))\b"),
    (THREAT, 1, r"(?<!anything )\b(threat|threatening|threatened|menace)\b|\bgetting (his|her|their|a|the) (knife|gun|strap|weapon)\b"),
    (THREAT, 0.5, r"\b(today|tomorrow|tonight|this (morning|afternoon)|at \d+( ?(pm|am))?|\d+ ?(pm|am)|after school|at lunch|going around)\b"),
    (IN_PROGRESS, 2, r"\b(cutting|breaking|smashing) (the )?lock|\bkicking (in )?(the|our|a) door\b|\bprying\b|\bpar effraction\b|\ben train d (entrer|voler)\b|\bhear (him|someone|somebody|them|footsteps) (downstairs|upstairs|inside)\b"),
    (IN_PROGRESS, 1, r"\b(robbed|robbing|robbery|stealing|steal|breaking into|broke into|break into|inside (our|my|the) (house|home|school|car)|in masks|masked|crowbar|vole|volent)\b"),
    (FOLLOWED, 1.5, r"\b(get|getting) (in|into) (the|his|her|my|a|their) (car|van|truck)\b|\b(walking|driving|following) (right )?behind (me|us|her|him)\b|\b(is|are|keeps) following\b"),
    (FOLLOWED, 1, r"\b(tried to|trying to) (get|grab|take|lure|pull|talk) (my|a|the|her|him|me|us|kids|children)\b"),
    (FOLLOWED, 1, r"\b(parked|waiting|standing|lurking) (outside|across|near|by) (my|our|the)\b"),
    (FOLLOWED, 1, r"\bwatching (me|us|my|our)\b|\bcircling\b"),
    (FOLLOWED, 1, r"\b(will not|wont|does not|doesnt) leave\b"),
    (FOLLOWED, 0.5, r"\bstranger\b"),
    (MISSING, 2, r"\b(did not|didnt|never) get off (the|her|his) (school )?bus\b|\blost my (little )?(brother|sister|son|daughter|kid|child)\b|\b(n est )?pas rentre\w*\b|\bdisparu\w*\b"),
    (MISSING, 1.5, r"\b(can not|cant|could not) find (her|him|them)\b|\bnobody knows where (he|she|they) (is|are|went)\b|\b(no one|nobody|none of (her|his|their) friends) (has|have) seen (her|him|them)\b|\bpersonne ne l a vu\b"),
    (MISSING, 1, r"\b(supposed to be home|walked out of (the )?school|ran away|been looking for|not (come|came) home|pas revenue?)\b"),
    (MISSING, 0.5, r"\b\d+ ?(yr|year|years) old\b|\b\d+ ans\b"),
    (HAZARD, 2, r"\b(went|fell|fallen|falling) (through|in|into) the (ice|water|river|pond|lake)\b|\bdrowning\b|\b(dog|bear|coyote|cougar) (is )?(attacking|biting|bit|mauling|chasing)\b"),
    (HAZARD, 1.5, r"\b(smell gas|gas (smell|leak)|smells like gas|(car|bus) (crash|accident)|crashed|trapped|stuck in (the )?(elevator|car|water))\b"),
    (HAZARD, 1, r"\b(dizzy|fainted|passed out|smoke|ice|water|flipped|rolled)\b"),
    (SELF_HARM, 2, r"\b(pills|razor|rope|knife|blade) (is |are )?in my hand\b|\b(tonight|today) is the night\b|\btonights the night\b|\bwhere (i am|im) going\b|\bthinking (about|of) (jumping|ending|killing myself|dying)\b"),
    (SELF_HARM, 1, r"\bthanks for trying\b|\b(have|got) the (pills|rope|knife|blade)\b"),
    # more situations, written as general shapes
    (WEAPON, 0.5, r"\b(saw|seen|see) it\b"),
    (VIOLENCE, 1.5, r"\b(slammed|smashed|stomped|kicked|punched) (on )?(his|her|their|someones|my|a kids) (head|face)\b"),
    (VIOLENCE, 2, r"\b(me|nous) (frappe|frappent|bat|battent|tabasse|tabassent)\b"),
    (MEDICAL, 1.5, r"\b(spurting|gushing|pouring) (out )?(blood)?\b|\b(bleeding|blood) (will not|wont|does not|doesnt|is not going to) stop\b|\b(whole|full|entire) bottle\b|\balcohol poisoning\b|\b(put|slipped|spiked) (something )?(in|into) (my|her|his|our|their) drink\b|\bempty (pill )?bottle\b"),
    (MEDICAL, 1, r"\b(passing out|on the (bathroom |kitchen |bedroom )?floor|a fume quelque chose|od|ods|oding|vomiting)\b"),
    (THREAT, 1.5, r"\b(pulling up|pull up|coming) (on|to) (the|our|this|my) school\b|\bbomb (in|at) (the|our|this) (building|school)\b|\bcoming\b.{0,40}\bto (hurt|kill|shoot|stab|get|beat up) (me|us|him|her|them|everyone)\b"),
    (IN_PROGRESS, 1, r"\b(smashing|breaking|kicking in) (the |car |a |our |my )?(windows?|doors?|glass|cars?)\b|\bflashlights?\b"),
    (IN_PROGRESS, 1.5, r"\b(door|window|lock) (has been|was|is|got) (pried|forced|broken|kicked|smashed)\b"),
    (IN_PROGRESS, 2, r"\bessai(e|ent) d (ouvrir|entrer|rentrer|forcer)\b"),
    (FOLLOWED, 2, r"\bfaire monter\b.{0,30}\bdans (son|sa|un|une) (char|auto|voiture|camion|van)\b"),
    (FOLLOWED, 1.5, r"\b(he is|she is|someone is|somebody is|a man is|a guy is|they are) (outside|at) (my|our) (house|home|door|window|place)\b|\b(called|calling|waving|waved) (a|the|some|my) (kid|kids|child|children|girl|boy|student|students) over\b"),
    (FOLLOWED, 1, r"\bevery time i (cross|turn|stop)\b|\bfor (like )?\d+ blocks\b|\b(sitting|waiting) in (a|his|the) (parked )?(car|van|truck)\b"),
    (MISSING, 1, r"\b(walked|ran|wandered) (off|away|out)\b"),
    (HAZARD, 2, r"\bpulled under\b|\b(has not|hasnt|did not|didnt) come (back )?up\b|\bsous l eau\b|\bremonte (pas|plus|pu)\b"),
    (SELF_HARM, 1.5, r"\blast (message|text|time (you|u) will hear)\b|\b(will not|wont) be (a problem|a burden|in (your|anyones) way)\b( for (anyone|anybody|you))?"),
    (SELF_HARM, 1, r"\b(gave|giving|given) away (his|her|my|their|all)\b|\b(do not|dont) (try to )?stop me\b"),
    # third round of general shapes
    (WEAPON, 1, r"\b(waving|pointing|swinging|holding) it (at|to|against|near|toward)\b"),
    (VIOLENCE, 1, r"\b(hitting|hit|beating|choking|slapping) (my|his|her) (mom|mum|mother|dad|father|sister|brother|wife|girlfriend|boyfriend)\b|\bdrunk and (hitting|yelling|violent|angry)\b|\bbreaking (stuff|things|everything)\b"),
    (VIOLENCE, 1.5, r"\b(you are|youre|he is|she is|stop) hurting (me|her|him)\b|\bby the (throat|neck)\b|\bthrew (a|the|my|his|her|him|her) ?(kid|student|child|boy|girl)? (into|against|on|down|across)\b"),
    (MEDICAL, 2, r"\bturning (blue|purple|grey|gray)\b|\b(throat|gorge) (is )?(swelling|closing|enfle)\b|\bbreathing (really |very |super |so )?(slow|slowly|shallow|weird|funny)\b|\bgurgl\w*\b"),
    (MEDICAL, 1.5, r"\b(reaction (aux|a|allergique)|allergic to)\b|\bgot into (the |her |his |my |\w+s )?.{0,15}\b(pills|meds|medication|medicine|medicaments)\b|\bafter taking (those|the|some|these) (pills|drugs)\b"),
    (MEDICAL, 1, r"\b(a vomi|vomi|floppy|limp|really sleepy|super sleepy|so sleepy|epi ?pen)\b|\bbouteille\b.{0,25}\bau complet\b"),
    (THREAT, 2, r"\b(hurt|kill|shoot|stab) (anyone|anybody) (who|that)\b"),
    (IN_PROGRESS, 2, r"\b(trying to|tried to) (get|pull|push|drag|force|put) .{0,15}\b(into|in) (his|a|the|her|their) (van|car|truck)\b|\bessai(e|ent) (de|d) (voler|ouvrir|entrer|rentrer|forcer)\b"),
    (IN_PROGRESS, 1.5, r"\b(exposed|exposing|flashed) (himself|herself|themselves)\b"),
    (FOLLOWED, 1.5, r"\basked (her|him|me|them|my \w+) to get in\b|\b(driving|drove) (really )?(slowly|slow) (beside|next to|behind|alongside) (me|her|him|us|them)\b|\b(is|he is|she is|someone is|guy is|man is) (literally )?(right )?behind me\b"),
    (MISSING, 2, r"\b(je|on) (ne )?(la|le|les) trouve (plus|pas|pu)\b|\btrouve (plus|pas|pu) nulle part\b"),
    (MISSING, 1.5, r"\b(been|has been|is) gone (for )?(an|a|over an|\d+|like \d+) (hour|hours)\b"),
    (MISSING, 1, r"\bnot home (from school|yet)\b|\bnever late\b"),
    (MISSING, 1, r"\bstraight to voicemail\b|\bgot into a \w+ (car|van|truck)\b"),
    (HAZARD, 2, r"\b(co|carbon monoxide) (detector|alarm)\b|\bcarbon monoxide\b|\b(toddler|baby|kid|child|infant|dog) .{0,15}\b(locked|left|stuck) in (a|the|their|his|her) (hot )?car\b|\b(tombe|tombee) dans (la|le|l) (riviere|lac|eau|piscine)\b|\b(power|hydro) line (is )?down\b|\bdowned power line\b|\blive wire\b|\ble courant l emporte\b"),
    (SELF_HARM, 2, r"\b(in the|locked (himself|herself|themselves) in the) garage with the (car|engine)\b|\b(car|engine) running\b.{0,30}\bgarage\b|\bpersonne (ne )?va s ennuyer de moi\b"),
    (SELF_HARM, 1.5, r"\b(can not|cant) live (with|like) (this|that)\b|\b(sitting|standing|lying) on the (train )?tracks\b|\b(m en vais|vais) (au|sur le) pont\b"),
    # fourth round of general shapes
    (VIOLENCE, 2, r"\b(il|elle) (frappe|bat|tabasse) (mon|ma|mes|notre)\b"),
    (VIOLENCE, 1, r"\bby (her|his|their) hair\b|\bbarre dans\b|\blocked (myself|ourselves) in\b"),
    (MEDICAL, 2, r"\bfrapper? par (un|une) (char|auto|voiture|camion|bus|autobus)\b|\bhow many .{0,30}\bwould it take\b"),
    (MEDICAL, 1.5, r"\bbouge (pas|plus|pus|pu)\b|\bcrise d epilepsie\b|\bconvulsions?\b|\bsaigne de la tete\b|\b(dementia|alzheimer\w*)\b"),
    (MEDICAL, 1, r"\b(cut|sliced|slashed) .{0,20}\bdeep\b|\b(puking|puked|threw up)\b|\b(can not|cant) remember (where|what|who)\b|\bbras (tout )?(croche|casse)\b|\b(ca )?arrete pas\b|\bdepuis \d+ minutes\b|\bsnoring\b"),
    (THREAT, 2, r"\b(il|elle|ils|elles|on) (va|vont) me (poignarder|tuer|frapper|battre|tirer|planter)\b|\bcoming\b.{0,40}\bto (handle|deal with|jump|fight) (me|us|him|her)\b"),
    (THREAT, 1.5, r"\bbomb (in|at) the \w+\b|\b(goes|go|going) off at\b|\b(not bluffing|not joking|not kidding)\b"),
    (THREAT, 1, r"\bwaiting for me\b|\bon (his|her|their) way\b"),
    (IN_PROGRESS, 1.5, r"\btrying (car )?doors\b|\bsmashed (a|the|my|our|his|her) (window|windows|door|windshield)\b"),
    (FOLLOWED, 1.5, r"\b(driven|drove|walked|gone|went) (past|by) me\b|\bfollowing (the|our|my) (school )?bus\b|\b(pic|picture|photo) of me from behind\b|\b(he is|she is|someone is|a man is|a guy is) (outside|at) (my|our) school\b"),
    (FOLLOWED, 1, r"\bparked up ahead\b|\bwaves? (at )?me (to come )?over\b|\b\d+ times\b"),
    (MISSING, 1.5, r"\b(been )?searching for \d+\b"),
    (MISSING, 1.5, r"\b(is not|isnt) with (the|us|our) group\b|\b(son )?cell est ferme\b|\bca fait \d+ heures\b"),
    (HAZARD, 1.5, r"\brotten eggs?\b|\bsparks\b|\b(power|hydro) line (came|fell|is) down\b"),
    (SELF_HARM, 2, r"\bpills (lined up|in front of me|counted out|ready)\b|\bpilules .{0,20}\bdevant moi\b|\bhow many .{0,30}\b(would it take|to (die|overdose|od))\b|\b(pense|veux|vais) sauter\b"),
    (SELF_HARM, 1.5, r"\b(sleep|dormir) (forever|pour toujours)\b|\bnobody will (need to |have to )?worry about me\b|\bonly way out\b|\b(wanted|want|just wanted) to say (sorry|goodbye|bye)\b"),
    (SELF_HARM, 1, r"\bnot scared anymore\b|\bleft (a|me a) note\b|\b(train )?tracks\b|\bsee (ya|you) (later|around)?\b|\bnot (anyones|anybodys) fault\b|\bdeleted (all )?my\b"),
    (SELF_HARM, 1, r"\b(do not|dont) tell (anyone|anybody|my (mom|dad|parents))\b|\blaisse (une|des) (lettre|lettres|note|notes|mot)\b|\bj ai tout ce qu il faut\b|\b(excusez|pardonnez) moi\b"),
]

# Signs that the danger is now; they add to a category that already has a danger word (weight 1
# or more), so "a knife" alone is not an emergency but "a knife, help" is.
URGENCY_CAP = 1.0
URGENCY = [
    (1, r"\b(right now|now|currently|still|as we speak|hurry|asap|come quick|send (someone|help|police)|en ce moment|maintenant|vite|au secours|aidez moi|a l aide)\b"),
    (1, r"^(help|please help|sos|911)\b|\b(please help|help please|help us|help me please|someone help|somebody help)\b"),
    (1, r"\bjust (now|happened|saw|pulled|grabbed|robbed|took|hit|got|ran|left|said|told|flashed|attacked|broke|smashed|tried|posted|texted|sent|started|found|called)\b"),
    (1, r"\b(he is|she is|they are|someone is|somebody is) (walking|running|heading|coming|going|driving) (to|toward|towards|into|in|at|up|down)\b|\b(keep|keeps) going\b|\b(will not|wont|can not|cant) (make it )?stop\b"),
    (1, r"\b(it is|its) (real|not a joke|serious)\b|\bfreaking\b|\b(est|sont) encore la\b|\btoujours la\b"),
    (1, r"\b(scared|terrified|freaking out|panicking|j ai peur|everyone (is )?running|people (are )?running|screaming|i can (see|hear) (him|her|them|it|someone)|je (le|la|les) vois)\b"),
    (1, r"\ben train de\b|\b(continue|continuent) (de|a)\b|\b\d+ (minute|minutes|min|mins) ago\b|\b(he is|she is|they are) still\b"),
]
# fmt: on
