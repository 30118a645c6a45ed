package explain

import (
	"github.com/smtpspec/smtpspec/internal/lazyre"
	"github.com/smtpspec/smtpspec/transcript"
)

// proseWords are the reporter's own words for what failed, in the
// languages technicians write in (en, de, fr, es, it, nl, pt, zh, ja).
// They are the weakest evidence: used only when the paste holds nothing
// else (proseAside), and the verdict says its basis is the reporter's
// words. A "blocked" next to a port, a firewall or a provider is a
// network block, not Microsoft's block list.
var proseWords = []wordRule{
	{id: "prose:auth-failed", level: prose, kind: transcript.KindProtocol, stage: transcript.Auth,
		keys: lex.add("rejected", "refused", "not accepted", "declined", "tion fail", "tion error", "tion unsuccessful", "tion problem", "tion issue", "tion is fail", "h fail", "h is fail", "in fail", "in error", "in denied", "on fail", "o authenticate", "t authenticate", "o log in", "o login", "o sign in", "t log in", "t login", "password", "credentials", "ifizierung", "isierung", "anmeldung", "anmeldefehler", "ification", "ticaci", "ticazione", "ticatie", "aanmelden", "inloggen", "tica\u00e7", "ticac", "认证失败", "验证失败", "登录失败", "登陆失败", "密码错误", "認証に失敗", "認証エラー", "ログインに失敗"),
		re:   lazyre.OnDemand(`(?i)authentication (?:failed|failure|error|fails|unsuccessful|problem|issue)|auth(?:entication)? (?:is )?failing|(?:login|log-?in|logon|sign-?in) (?:failed|fails|failure|error|denied)|(?:failed|unable|fails) to (?:authenticate|log ?in|sign in)|can(?:no|')t (?:authenticate|log ?in)|couldn'?t (?:authenticate|log ?in)|could not log ?in|(?:password|passwords|credentials|login|logon|log-?in|sign-?in)(?: is| was| were| are| gets| got)? (?:rejected|refused|not accepted|declined)|(?:wrong|invalid|incorrect|bad) (?:password|credentials|username or password)\b|(?:rejected|refused|did not accept|didn't accept) (?:that|the|your|my) (?:username|user ?name|login|password|credentials)\b|(?:Authentifizierung|Authentisierung) (?:ist )?fehlgeschlagen|Anmeldung (?:ist )?fehlgeschlagen|Authentifizierungsfehler|Anmeldefehler|(?:échec|erreur) (?:de l'|d')authentification|authentification (?:échouée|a échoué|impossible|refusée)|(?:error|fallo|falla) de autenticaci[oó]n|autenticaci[oó]n fallida|no se pudo autenticar|autenticazione (?:fallita|non riuscita)|errore di autenticazione|authenticatie (?:is )?mislukt|(?:aanmelden|inloggen) mislukt|falha (?:na|de) autentica[cç][aã]o|autentica[cç][aã]o falhou|erro de autentica[cç][aã]o|认证失败|身份验证失败|验证失败|登录失败|登陆失败|密码错误|認証に失敗|認証エラー|ログインに失敗`)},
	{id: "prose:timed-out", level: prose, kind: transcript.KindTimeout, stage: transcript.Connect,
		keys: lex.add("zeitüberschreitung", "délai", "tiempo de espera", "se agotó", "tempo scaduto", "tempo di attesa", "time-out", "tempo esgotado", "tempo limite", "超时", "タイムアウト"),
		re:   lazyre.OnDemand(`(?i)Zeitüberschreitung|délai (?:d'attente )?(?:dépassé|expiré)|tiempo de espera (?:agotado|excedido)|se agotó el tiempo|tempo (?:di attesa )?scaduto|\btime-out\b|tempo (?:limite )?esgotado|tempo de espera esgotado|超时|タイムアウト`)},
	{id: "prose:refused", level: prose, kind: transcript.KindRefused, stage: transcript.Connect,
		keys: lex.add("verbindung", "connexion refusée", "conexión rechazada", "conexion rechazada", "connessione rifiutata", "verbinding geweigerd", "conexão recusada", "拒绝连接", "连接被拒绝", "接続が拒否"),
		re:   lazyre.OnDemand(`(?i)Verbindung (?:wurde )?(?:abgelehnt|verweigert)|connexion refusée|conexi[oó]n rechazada|connessione rifiutata|verbinding geweigerd|conex[aã]o recusada|拒绝连接|连接被拒绝|接続が拒否`)},
	{id: "prose:certificate", level: prose, kind: transcript.KindTLS, stage: transcript.TLS,
		keys: lex.add("certificate error", "certificate is", "ssl error", "tls error", "zertifikat", "certificat", "certificado", "certificato", "证书", "握手失败", "証明書"),
		re:   lazyre.OnDemand(`(?i)certificate error|certificate is (?:invalid|not valid|not trusted|expired)|\bSSL error\b|\bTLS error\b|Zertifikatsfehler|Zertifikat (?:ist )?ungültig|erreur de certificat|certificat (?:invalide|non valide)|error de certificado|certificado (?:no válido|inválido|inv[aá]lido)|errore (?:del|di) certificato|证书错误|证书无效|握手失败|証明書エラー|証明書が無効`)},
	// The TLS handshake that stalls or fails, in the reporter's words
	// ("the ssl handshake times out", "TLS-Handshake schlägt fehl").
	{id: "prose:tls-handshake", level: prose, kind: transcript.KindTimeout, stage: transcript.TLS,
		keys: lex.add("handshake", "握手", "ハンドシェイク"),
		re:   lazyre.OnDemand(`(?i)\b(?:SSL|TLS|SSL/TLS|STARTTLS)[ -]handshake\b.{0,40}?\b(?:times? out|timing out|timed out|timeout|hangs?|hanging|stalls?|never completes|fails?|failing|failed|failure|schlägt fehl|fehlgeschlagen|échoue|falla|fallisce|mislukt|falha)|(?:négociation|poignée de main) (?:TLS|SSL)|TLS握手|SSL握手|握手超时|ハンドシェイク`)},
	// A block list, in the reporter's words: mail to Microsoft's
	// consumer or business mailboxes refused for the sender's reputation.
	// An outbound port blocked by the network, a hosting provider or a
	// cloud ("outbound port 25 is blocked", "Azure blocks outbound SMTP
	// on 25", "port 587 seems to be blocked"): the connection never
	// reaches the server (checklist step 2), not a block list.
	{id: "prose:port-blocked", level: prose, kind: transcript.KindTimeout, stage: transcript.Connect, rank: 2,
		keys: lex.add("blocked", "blocks", "blocking", "block ", "filtering", "filters", "filtered"),
		re:   lazyre.OnDemand(`(?i)\b(?:outbound |outgoing )?(?:SMTP )?port:? ?(?:25|587|465|2525)\b.{0,40}?\b(?:is |are |was |were |seems? to be |appears? to be |being |gets? )?block(?:ed|s|ing)?\b|\bblock(?:s|ed|ing)? (?:all )?(?:outbound|outgoing) (?:SMTP|mail|e-?mail|traffic|connections?)?(?: on)? ?(?:port )?(?:25|587|465)?\b|\bblock(?:s|ed|ing)? (?:the )?port (?:25|587|465)\b|\bfilter(?:s|ed|ing)? (?:all )?(?:outbound |outgoing )?(?:traffic|connections?|SMTP) (?:to|on) (?:TCP )?port (?:25|587|465)\b`)},
	{id: "prose:blocked", level: prose, kind: transcript.KindProtocol, row: "banned-ip", rank: 1, not: networkBlockRE,
		keys: lex.add("blocked", "block list", "blocklist", "blacklist", "denylist", "deny list", "blockiert", "gesperrt", "sperrliste", "bloqu", "blocage", "blockage", "liste noire", "lista negra", "bloccat", "lista nera", "geblokkeerd", "zwarte lijst", "黑名单", "封禁", "被封", "拉黑", "屏蔽", "被阻止", "ブラックリスト", "ブロック"),
		re:   lazyre.OnDemand(`(?i)\bblocked\b|\bblock ?list(?:ed)?\b|\bblacklist(?:ed)?\b|\bdeny ?list(?:ed)?\b|blockiert|gesperrt|Sperrliste|\bbloqu(?:é|e|ée|és|ées|ado|ada|ados|adas|eado|eada|eados|eadas)\b|\bblocage\b|\bblockage\b|liste noire|lista negra|\bbloccat[aoie]\b|lista nera|geblokkeerd|zwarte lijst|黑名单|封禁|被封|拉黑|屏蔽|被阻止|ブラックリスト|ブロックされ`)},
}

// networkBlockRE: a "blocked" that is a port's, a firewall's or a
// provider's network block (checklist step 2), not a block list.
var networkBlockRE = lazyre.OnDemand(`(?i)\bport\b|firewall|antivirus|anti-virus|\bproxy\b|\bISP\b|hosting|\bsocket\b|Pare-feu|Portsperre|\bpuerto\b|\bporta\b|端口|防火墙|ポート`)
