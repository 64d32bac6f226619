"""Default letter templates, after Älmhult's Bilaga 2, 3 and 4 (seed 001) and Linköping's
three-language postcard (seed 003). Installed per municipality; administrators edit them.
"""

from .models import TemplateCode

_CONTACT = (
    "Jag behöver få kontakt med dig då du ingår i kommunens aktivitetsansvar. Den vanligaste orsaken till "
    "att man gör det är att man inte går i skolan, har avbrutit sina studier eller inte har en examen. "
    "Det är mitt jobb att hjälpa dig komma på vad du vill göra och hur du ska nå dina mål.\n\n"
    "Du kan själv bestämma var vi ska träffas, det kan till exempel vara på skolan, i kommunhuset eller "
    "något fik. Om dina föräldrar eller någon annan vill följa med är de självklart välkomna.\n\n"
)
_REACH = (
    "Det lättaste sättet för oss att få kontakt är om du öppnar {svarsadress} (eller skannar QR-koden) "
    "och skriver in din kod {svarskod}. Du kan också ringa eller skicka ett sms till mig på {coach_telefon} "
    "eller ett mejl till {coach_epost}.\n\n"
)
_CLOSING = (
    "Jag ser fram emot att hjälpa dig med något, kanske ett jobb eller någon utbildning?\n\n"
    "Hoppas vi ses snart,\n\nHälsningar\n\n{underskrift}"
)
_VISIT = (
    "Datum: {datum}\n\nHej {fornamn},\n\n"
    "Jag har försökt få tag på dig genom ett hembesök vid den tidpunkt som är angiven ovan. "
)

DEFAULT_TEMPLATES: dict[str, dict[str, str]] = {
    TemplateCode.LETTER_INTRO: {
        # The body greets the youth: the title does not greet a second time.
        "title": "Vi vill gärna träffa dig",
        "body": (
            "Hej {fornamn},\n\n" + _CONTACT
            + "Om jag inte får tag på dig kommer jag inom två veckor göra ett hembesök så jag vet att allt är "
            "OK med dig. " + _REACH + _CLOSING
        ),
    },
    TemplateCode.HOME_VISIT_NOTE: {
        "title": "Hembesök",
        "body": _VISIT + "\n\n" + _CONTACT + _REACH + _CLOSING,
    },
    TemplateCode.CONCERN_NOTICE: {
        "title": "Hembesök, samt information om orosanmälan",
        "body": (
            _VISIT + "Då detta är det andra hembesöket jag gör hos dig utan att få kontakt kommer jag göra en "
            "orosanmälan till socialförvaltningen. Detta innebär att om du inte kontaktat mig inom 5 dagar "
            "kommer jag göra en orosanmälan till socialförvaltningen då jag inte vet vilken situation du är i "
            "för tillfället.\n\n" + _CONTACT + _REACH + _CLOSING
        ),
    },
    TemplateCode.POSTCARD: {
        "title": "Hej {fornamn}! Vi vill gärna träffa dig",
        "body": (
            "Till dig och dina föräldrar. {kommun} hjälper unga mellan 16 och 20 år som inte går i "
            "gymnasieskolan att hitta vägen till studier eller jobb. Vi vill gärna träffa dig, där du vill. "
            "Föräldrar är välkomna att följa med.\n\nSvara på {svarsadress} med koden {svarskod}, eller "
            "kontakta {coach_namn}: {coach_telefon}, {coach_epost}."
        ),
        "body_en": (
            "To you and your parents. {kommun} helps young people aged 16 to 20 who are not in upper-secondary "
            "school to find their way to studies or work. We would like to meet you, wherever you like. "
            "Parents are welcome to come along.\n\nReply at {svarsadress} with the code {svarskod}, or contact "
            "{coach_namn}: {coach_telefon}, {coach_epost}."
        ),
        "body_ar": (
            "إليك وإلى والديك. تساعد البلدية الشباب من عمر 16 إلى 20 سنة الذين لا يدرسون في المدرسة الثانوية "
            "على إيجاد طريقهم إلى الدراسة أو العمل. نود أن نلتقي بك في المكان الذي تختاره. "
            "الوالدان مرحب بهما أيضاً.\n\nيمكنك الرد على {svarsadress} باستخدام الرمز {svarskod}، "
            "أو الاتصال بـ {coach_namn}: {coach_telefon}، {coach_epost}."
        ),
    },
}
