// The grammar of the vlac language (LANGUAGE.md §3–§6). No embedded actions: the parse tree is
// turned into vlac's own AST by compiler/parse/, and every semantic rule lives in the binder.
//
// Type names, interval units, window functions and stdlib functions are plain identifiers here,
// checked later, so that words such as `day`, `hour` or `session` stay usable as column names.
grammar Vlac;

program          : statement* EOF ;
// The front end parses one statement at a time (split at top-level `;`), so that a syntax
// error in one statement neither hides nor garbles the errors of the next.
singleStatement  : statement EOF ;

statement
    : CREATE STREAM name=identifier LPAREN tableElement (COMMA tableElement)* RPAREN
      withClause? SEMI                                                  # createSourceStream
    | CREATE STREAM name=identifier withClause? AS query SEMI           # createDerivedStream
    | query SEMI                                                        # queryStatement
    ;

tableElement
    : identifier typeName (NOT NULL_)?                                   # columnDefinition
    | WATERMARK FOR identifier AS valueExpression                       # watermarkDefinition
    ;

typeName
    : identifier (LPAREN INTEGER_VALUE RPAREN)?
    | TIMESTAMP
    | INTERVAL
    ;

withClause : WITH LPAREN withOption (COMMA withOption)* RPAREN ;
withOption : identifier EQ withValue ;
withValue  : MINUS? INTEGER_VALUE | MINUS? DECIMAL_VALUE | STRING_LITERAL | durationLiteral | identifier ;

// ---- queries ----------------------------------------------------------------------------------

query          : queryPrimary (UNION ALL queryPrimary)* ;
queryPrimary
    : select
    | LPAREN query RPAREN
    ;

select
    : SELECT ALL? selectItem (COMMA selectItem)*
      FROM fromClause
      (WHERE where=booleanExpression)?
      (GROUP BY expression (COMMA expression)*)?
      (HAVING having=booleanExpression)?
    ;

selectItem
    : STAR                                        # selectAll
    | identifier DOT STAR                         # selectAllOf
    | expression (AS? alias=identifier)?          # selectExpression
    ;

fromClause : relation joinClause* ;

joinClause : joinKind? JOIN relation ON booleanExpression ;
joinKind   : INNER | LEFT OUTER? ASOF? | ASOF ;

relation
    : windowFunction (AS? alias=identifier)?               # windowRelation
    | identifier (AS? alias=identifier)?                   # streamRelation
    | LPAREN query RPAREN (AS? alias=identifier)?          # subqueryRelation
    ;

// TUMBLE / HOP / SESSION / CUMULATE (the name is checked by the front end).
windowFunction : fn=identifier LPAREN windowInput COMMA timeCol=identifier (COMMA valueExpression)* RPAREN ;
windowInput
    : identifier
    | LPAREN query RPAREN
    ;

// ---- expressions ------------------------------------------------------------------------------
// Precedence, loosest first: OR, AND, NOT, predicates (comparison, BETWEEN, IN, LIKE, IS NULL),
// `||`, `+ -`, `* / %`, unary sign. BETWEEN's bounds are value expressions so that
// `x BETWEEN a AND b AND c` means `(x BETWEEN a AND b) AND c`.

expression : booleanExpression ;

booleanExpression
    : valueExpression predicate?                                        # predicated
    | NOT booleanExpression                                             # logicalNot
    | left=booleanExpression AND right=booleanExpression                # logicalAnd
    | left=booleanExpression OR right=booleanExpression                 # logicalOr
    ;

predicate
    : comparisonOperator right=valueExpression                          # comparison
    | NOT? BETWEEN lower=valueExpression AND upper=valueExpression      # between
    | NOT? IN LPAREN expression (COMMA expression)* RPAREN              # inList
    | NOT? LIKE pattern=valueExpression                                 # like
    | IS NOT? NULL_                                                     # nullTest
    ;

comparisonOperator : EQ | NEQ | LT | LTE | GT | GTE ;

valueExpression
    : primaryExpression                                                 # valueDefault
    | op=(MINUS | PLUS) valueExpression                                 # unarySign
    | left=valueExpression op=(STAR | SLASH | PERCENT) right=valueExpression   # multiplicative
    | left=valueExpression op=(PLUS | MINUS) right=valueExpression      # additive
    | left=valueExpression CONCAT right=valueExpression                 # concatenation
    ;

primaryExpression
    : literal                                                           # literalValue
    | CAST LPAREN expression AS typeName RPAREN                         # cast
    | CASE operand=expression? whenClause+ (ELSE elseExpr=expression)? END   # caseWhen
    | SUBSTRING LPAREN expression FROM expression (FOR expression)? RPAREN   # substring
    | fn=identifier LPAREN STAR RPAREN overClause?                      # starCall
    | fn=identifier LPAREN (ALL? expression (COMMA expression)*)? RPAREN overClause?   # functionCall
    | qualifier=identifier DOT column=identifier                        # qualifiedColumn
    | identifier                                                        # columnName
    | LPAREN expression RPAREN                                          # parenthesized
    ;

whenClause : WHEN condition=expression THEN result=expression ;

overClause
    : OVER LPAREN (PARTITION BY expression (COMMA expression)*)?
      ORDER BY orderKey=expression ASC? frame? RPAREN
    ;
frame     : kind=(ROWS | RANGE) BETWEEN frameStart AND CURRENT ROW ;
frameStart
    : UNBOUNDED PRECEDING
    | valueExpression PRECEDING
    ;

literal
    : NULL_                                             # nullLiteral
    | (TRUE | FALSE)                                    # booleanLiteral
    | INTEGER_VALUE                                     # integerLiteral
    | DECIMAL_VALUE                                     # decimalLiteral
    | STRING_LITERAL                                    # stringLiteral
    | TIMESTAMP STRING_LITERAL                          # timestampLiteral
    | INTERVAL sign=MINUS? STRING_LITERAL unit=identifier   # intervalLiteral
    | durationLiteral                                   # shorthandDuration
    ;

// BAD_DURATION (`2sec`) is accepted here so that the front end can name the unknown unit.
durationLiteral : DURATION_VALUE | BAD_DURATION ;

identifier
    : IDENTIFIER
    | QUOTED_IDENTIFIER
    ;

// ---- lexer ------------------------------------------------------------------------------------

ALL       : A L L ;
AND       : A N D ;
AS        : A S ;
ASC       : A S C ;
ASOF      : A S O F ;
BETWEEN   : B E T W E E N ;
BY        : B Y ;
CASE      : C A S E ;
CAST      : C A S T ;
CREATE    : C R E A T E ;
CURRENT   : C U R R E N T ;
ELSE      : E L S E ;
END       : E N D ;
FALSE     : F A L S E ;
FOR       : F O R ;
FROM      : F R O M ;
GROUP     : G R O U P ;
HAVING    : H A V I N G ;
IN        : I N ;
INNER     : I N N E R ;
INTERVAL  : I N T E R V A L ;
IS        : I S ;
JOIN      : J O I N ;
LEFT      : L E F T ;
LIKE      : L I K E ;
NOT       : N O T ;
NULL_     : N U L L ;
ON        : O N ;
OR        : O R ;
ORDER     : O R D E R ;
OUTER     : O U T E R ;
OVER      : O V E R ;
PARTITION : P A R T I T I O N ;
PRECEDING : P R E C E D I N G ;
RANGE     : R A N G E ;
ROW       : R O W ;
ROWS      : R O W S ;
SELECT    : S E L E C T ;
STREAM    : S T R E A M ;
SUBSTRING : S U B S T R I N G ;
THEN      : T H E N ;
TIMESTAMP : T I M E S T A M P ;
TRUE      : T R U E ;
UNBOUNDED : U N B O U N D E D ;
UNION     : U N I O N ;
WATERMARK : W A T E R M A R K ;
WHEN      : W H E N ;
WHERE     : W H E R E ;
WITH      : W I T H ;

EQ      : '=' ;
NEQ     : '<>' | '!=' ;
LT      : '<' ;
LTE     : '<=' ;
GT      : '>' ;
GTE     : '>=' ;
PLUS    : '+' ;
MINUS   : '-' ;
STAR    : '*' ;
SLASH   : '/' ;
PERCENT : '%' ;
CONCAT  : '||' ;
LPAREN  : '(' ;
RPAREN  : ')' ;
COMMA   : ',' ;
DOT     : '.' ;
SEMI    : ';' ;

// `50ms`, `1s`, `2min`: an integer immediately followed by a unit (longest match wins over
// INTEGER_VALUE, so `50ms` is one token).
DURATION_VALUE : DIGIT+ (N S | U S | M S | S | M I N | H | D) ;
INTEGER_VALUE  : DIGIT+ ;
DECIMAL_VALUE
    : DIGIT+ '.' DIGIT* EXPONENT?
    | '.' DIGIT+ EXPONENT?
    | DIGIT+ EXPONENT
    ;
// A number run into a word that is not a unit (`2sec`, `5mins`): one token, reported as an
// unknown duration unit. It comes after DURATION_VALUE and DECIMAL_VALUE, which win ties of
// equal length (`50ms`, `1e5`).
BAD_DURATION   : DIGIT+ [A-Za-z] [A-Za-z0-9_]* ;

STRING_LITERAL    : '\'' ( ~'\'' | '\'\'' )* '\'' ;
IDENTIFIER        : [A-Za-z_] [A-Za-z0-9_]* ;
QUOTED_IDENTIFIER : '"' ( ~'"' | '""' )* '"' ;

LINE_COMMENT  : '--' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
WS            : [ \t\r\n\f]+ -> channel(HIDDEN) ;

// Anything else is one bad character; the parser reports it with its position.
UNRECOGNIZED  : . ;

fragment EXPONENT : E [+-]? DIGIT+ ;
fragment DIGIT : [0-9] ;
fragment A : [aA] ; fragment B : [bB] ; fragment C : [cC] ; fragment D : [dD] ;
fragment E : [eE] ; fragment F : [fF] ; fragment G : [gG] ; fragment H : [hH] ;
fragment I : [iI] ; fragment J : [jJ] ; fragment K : [kK] ; fragment L : [lL] ;
fragment M : [mM] ; fragment N : [nN] ; fragment O : [oO] ; fragment P : [pP] ;
fragment Q : [qQ] ; fragment R : [rR] ; fragment S : [sS] ; fragment T : [tT] ;
fragment U : [uU] ; fragment V : [vV] ; fragment W : [wW] ; fragment X : [xX] ;
fragment Y : [yY] ; fragment Z : [zZ] ;
