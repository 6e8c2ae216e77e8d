import{c as r,s as e}from"./flowDiagram-HODETNUW-BPMMO83D.js";import{_ as a}from"./mermaid.core-B3q3iLYS.js";import"./chunk-5VM5RSS4-B8Uy8e20.js";import"./chunk-XXDRQBXY-CmZZetpr.js";import"./chunk-POPQ4Y6H-DAbOt4In.js";import"./chunk-F27PBJKO-IT15wRqA.js";import"./index-CjuxPaol.js";import"./channel-CCHoRa_p.js";import"./_commonjsHelpers-CqkleIqs.js";var o=a(t=>`${e(t)}
  .swimlane.cluster rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,"getStyles"),m=o,y=r({defaultLayout:"swimlane",styles:m});export{y as diagram};
