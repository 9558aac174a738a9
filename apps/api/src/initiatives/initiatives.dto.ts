import { ApiProperty, ApiPropertyOptional, IntersectionType, PartialType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { STRATEGY_AREAS, STRATEGY_GOALS } from '@dgr/domain';
import { DateField, InstantField, OneOfField, OreField, PartyField, TextField, YearField } from '../http/fields';
import { PageQueryDto } from '../http/page';

export class StrategyLinkDto {
  @ApiProperty({ description: 'Insatsområde i Värmlandsstrategin, exakt som i strategin.', enum: STRATEGY_AREAS, example: 'Höja kompetensen' })
  @IsString({ message: 'area måste vara text' })
  area: string;

  @ApiPropertyOptional({ description: 'Mål inom insatsområdet.', enum: STRATEGY_GOALS, example: 'Hållbar arbetsmarknad' })
  @IsOptional()
  @IsString({ message: 'goal måste vara text' })
  goal?: string;
}

export class CoFinancingLineDto {
  @TextField('Vem som medfinansierar eller växlar upp (t.ex. Tillväxtverket, EU:s regionalfond).', 300)
  source: string;

  @OreField('Belopp.')
  amountOre: number;
}

export class ProposeInitiativeDto {
  @TextField('Initiativets titel.', 300, true, 'Kompetensplattform Värmland')
  title: string;

  @TextField('Kort sammanfattning.', 5000)
  summary: string;

  @PartyField('Part som lämnar initiativet (SCB-kod).')
  proposedBy: string;

  @DateField('Dag då initiativet lämnades.')
  proposedOn: string;

  @OreField('Sökt belopp ur DGR (0 är tillåtet).')
  requestedAmountOre: number;

  // Decorators apply bottom-up and validation stops at the first error: IsArray, the last line, is checked first.
  @ApiPropertyOptional({ type: [StrategyLinkDto], description: 'Kopplingar till Värmlandsstrategin.' })
  @IsOptional()
  @Type(() => StrategyLinkDto)
  @ValidateNested({ each: true, message: 'varje strategikoppling måste vara ett objekt med area och goal' })
  @ArrayMaxSize(20, { message: 'strategyLinks får ha högst 20 kopplingar' })
  @IsArray({ message: 'strategyLinks måste vara en lista' })
  strategyLinks?: StrategyLinkDto[];

  @ApiPropertyOptional({ description: 'Möter Trafikförsörjningsprogrammets prioriteringar (målbild 2040).' })
  @IsOptional()
  @IsBoolean({ message: 'transportProgramme måste vara true eller false' })
  transportProgramme?: boolean;

  @ApiPropertyOptional({ type: [CoFinancingLineDto], description: 'Medfinansiering och uppväxling.' })
  @IsOptional()
  @Type(() => CoFinancingLineDto)
  @ValidateNested({ each: true, message: 'varje medfinansiering måste vara ett objekt med source och amountOre' })
  @ArrayMaxSize(50, { message: 'coFinancing får ha högst 50 rader' })
  @IsArray({ message: 'coFinancing måste vara en lista' })
  coFinancing?: CoFinancingLineDto[];

  @DateField('Sista dag för parternas beslut; utan värde 31 december förslagsåret.', false)
  decisionDeadline?: string;
}

export class PrepareInitiativeDto {
  @OneOfField(['VRAU', 'VRAG'], 'Vem som berett initiativet.')
  preparedBy: 'VRAU' | 'VRAG';

  @DateField('Dag för beredningen.')
  preparedOn: string;

  @OneOfField(['approve', 'reject', 'none'], 'Rekommendation till parterna.')
  recommendation: 'approve' | 'reject' | 'none';

  @TextField('Anteckningar.', 5000, false)
  notes?: string;
}

class DecisionFieldsDto {
  @OneOfField(['approved', 'rejected'], 'Beslutet: bifall eller avslag.')
  outcome: 'approved' | 'rejected';

  @DateField('Dag då det beslutande organet sammanträdde (beslutsdatum).')
  decidedOn: string;

  @TextField('Beslutande organ, t.ex. kommunfullmäktige.', 200, true, 'kommunfullmäktige')
  body: string;

  @TextField('Paragraf i protokollet.', 100, true, '§ 112')
  minuteReference: string;

  @TextField('Partens diarienummer.', 100, false, 'KS-2024/118')
  caseNumber?: string;

  // Versions of the proposal (issue 15).
  @ApiPropertyOptional({
    description:
      'Den version av förslaget som beslutet avser. Utan värde: den aktuella versionen. En äldre version registreras på den versionen men räknas inte mot konsensus.',
    type: 'integer',
    minimum: 1,
    example: 2,
  })
  @IsOptional()
  @IsInt({ message: 'proposalVersion måste vara ett heltal (versionsnumret)' })
  @Min(1, { message: 'proposalVersion måste vara minst 1' })
  proposalVersion?: number;

  @ApiPropertyOptional({
    description:
      'Texthashen för den version registratorn ser (t.ex. från webbsidan). Stämmer den inte med den aktuella versionen avvisas beslutet med 409 proposal-revised.',
    maxLength: 64,
  })
  @IsOptional()
  @IsString({ message: 'textHash måste vara text' })
  @MaxLength(64, { message: 'textHash får vara högst 64 tecken' })
  textHash?: string;
}

export class RegisterDecisionDto extends DecisionFieldsDto {
  @PartyField('Den part vars beslut registreras (SCB-kod).')
  party: string;

  @DateField('Dag då protokollet justerades (justering), om det redan skett.', false)
  minutesApprovedOn?: string;

  @DateField('Dag då justeringen tillkännagavs på partens anslagstavla (anslag), om det redan skett.', false)
  noticePostedOn?: string;
}

export class DecisionMinutesDto {
  @DateField('Dag då protokollet justerades (justering).', false)
  minutesApprovedOn?: string;

  @DateField('Dag då justeringen tillkännagavs på partens anslagstavla (anslag); överklagandetiden räknas härifrån.', false)
  noticePostedOn?: string;

  @TextField('Varför ett redan registrerat datum var fel (krävs bara för att ändra ett registrerat datum).', 2000, false)
  reason?: string;
}

export class LodgeAppealDto {
  @TextField('Domstolen, t.ex. Förvaltningsrätten i Karlstad.', 200, true, 'Förvaltningsrätten i Karlstad')
  court: string;

  @TextField('Domstolens målnummer.', 100, true, '1234-24')
  caseNumber: string;

  @DateField('Dag då överklagandet kom in till domstolen.')
  lodgedOn: string;
}

export class DecideAppealDto {
  @OneOfField(['upheld', 'annulled'], 'Domstolens avgörande: upheld (beslutet står fast, överklagandet avslås) eller annulled (beslutet upphävs).')
  outcome: 'upheld' | 'annulled';

  @DateField('Dag för domstolens avgörande.')
  decidedOn: string;
}

export class CorrectDecisionDto extends DecisionFieldsDto {
  @TextField('Varför den tidigare registreringen var fel.', 2000)
  reason: string;
}

export class GrantDto {
  @OreField('Beviljat belopp.', 1)
  amountOre: number;

  @DateField('Dag för beslutet om medel.')
  decidedOn: string;

  @TextField('Beslutets referens, t.ex. Region Värmlands diarienummer.', 200)
  reference: string;
}

export class CancelInitiativeDto {
  @TextField('Varför initiativet återkallas.', 2000)
  reason: string;

  @DateField('Dag för återkallelsen.')
  cancelledOn: string;
}

export class OutcomeReportDto {
  @YearField('Året som rapporten gäller.')
  year: number;

  @TextField('Vad insatsen har åstadkommit.', 10000)
  summary: string;
}

// --- Versions of the proposal (issue 15) -----------------------------------------------------------

/** The decision basis: the proposal's fields a revision may change (issue 15). */
const DECISION_BASIS = ['title', 'summary', 'requestedAmountOre', 'strategyLinks', 'coFinancing', 'decisionDeadline'] as const;

/**
 * A revision: the decision basis' changed fields (only those given change) and why. The fields are the
 * proposal's own, with its validators and Swedish messages, each optional (PartialType); only their
 * descriptions in the OpenAPI document say what they mean in a revision.
 */
export class ReviseInitiativeDto extends PartialType(PickType(ProposeInitiativeDto, DECISION_BASIS)) {
  @TextField('Varför förslaget ändras.', 2000, true, 'Beloppet sänks efter VRAU:s beredning.')
  reason: string;

  @DateField('Dag för revideringen; utan värde i dag.', false)
  revisedOn?: string;

  @ApiPropertyOptional({ description: 'Ny titel.' })
  declare title?: string;

  @ApiPropertyOptional({ description: 'Ny sammanfattning.' })
  declare summary?: string;

  @ApiPropertyOptional({ description: 'Nytt sökt belopp ur DGR. I hela öre.', type: 'integer' })
  declare requestedAmountOre?: number;

  @ApiPropertyOptional({ type: [StrategyLinkDto], description: 'Nya kopplingar till Värmlandsstrategin (hela listan).' })
  declare strategyLinks?: StrategyLinkDto[];

  @ApiPropertyOptional({ type: [CoFinancingLineDto], description: 'Ny medfinansiering (hela listan).' })
  declare coFinancing?: CoFinancingLineDto[];

  @ApiPropertyOptional({ description: 'Ny sista dag för parternas beslut.', format: 'date' })
  declare decisionDeadline?: string;
}

export class KnownAtQueryDto {
  @InstantField('Svara bara med det som tjänsten hade registrerat vid denna tidpunkt (revision: "vad visste vi då?").')
  knownAt?: string;
}

export class AsOfQueryDto extends KnownAtQueryDto {
  @DateField('Visa läget per denna dag (svensk kalender). Standard: i dag.', false)
  asOf?: string;
}

/** Lists: a page of the answer, as of a day and as known at an instant. */
export class PagedAsOfQueryDto extends IntersectionType(PageQueryDto, AsOfQueryDto) {}

/** The ledger: a page, as known at an instant. */
export class PagedKnownAtQueryDto extends IntersectionType(PageQueryDto, KnownAtQueryDto) {}

export const KNOWN_PARTIES_CHECK = IsIn;
